// The fast CPU backend (kernels/cpu) as the Backend that test_kernels_cpu checks.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

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
    // CNN_CPU_SIMD forces a level (ctest runs the table once per level); one this CPU lacks
    // means the run cannot happen here: exit 77, which ctest reports as skipped.
    std::string level;
    try {
      level = kernels::cpu::simd_level();
    } catch (const std::runtime_error& e) {
      std::printf("skipping: %s\n", e.what());
      std::exit(77);
    }
    std::printf("cpu backend: %s SIMD micro-kernels\n", level.c_str());
    return HostBackend("cpu");
  }();
  return backend;
}

}  // namespace cnn::test
