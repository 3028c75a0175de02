// The float reference (kernels/reference) as a Backend: test_kernels_reference runs the whole
// table against it to check the harness itself (plumbing, poisoning, tolerances) with no fast
// backend in the way.
#include <cstring>
#include <new>

#include "kernels/reference/ops.h"
#include "tests/kernels/backend.h"

namespace cnn::test {
namespace {
namespace host_ops = cnn::kernels::reference;
#include "tests/kernels/host_backend.inc"
}  // namespace

Backend& backend_under_test() {
  static HostBackend backend("reference");
  return backend;
}

}  // namespace cnn::test
