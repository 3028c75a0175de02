// The fast CPU backend (kernels/cpu) as the Backend that test_kernels_cpu checks.
#include <cstdio>
#include <cstring>
#include <new>

#include "kernels/cpu/ops.h"
#include "tests/kernels/backend.h"

namespace cnn::test {
namespace {
namespace host_ops = cnn::kernels::cpu;
#include "tests/kernels/host_backend.inc"
}  // namespace

Backend& backend_under_test() {
  static HostBackend backend = [] {
    // Which micro-kernel the dispatcher picked decides which code paths these tests cover.
    std::printf("cpu backend: %s SIMD micro-kernels\n", kernels::cpu::simd_level().c_str());
    return HostBackend("cpu");
  }();
  return backend;
}

}  // namespace cnn::test
