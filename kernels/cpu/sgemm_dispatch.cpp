// Run-time choice of the SGEMM micro-kernel (see sgemm_kernels.h). Decided once per process.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/sgemm_kernels.h"

namespace cnn::kernels::cpu {

namespace {

bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

SgemmMicroKernel choose_kernel() {
  const char* forced = std::getenv("CNN_CPU_SIMD");
  const std::string level = forced && *forced ? forced
                                              : (cpu_has_avx512() ? "avx512"
                                                 : cpu_has_avx2() ? "avx2"
                                                                  : "portable");
  if (level == "avx512" && cpu_has_avx512()) return sgemm_kernel_avx512();
  if (level == "avx2" && cpu_has_avx2()) return sgemm_kernel_avx2();
  if (level == "portable") return sgemm_kernel_portable();
  throw std::runtime_error("CNN_CPU_SIMD=" + level +
                           ": not a SIMD level this CPU supports (avx512, avx2, portable)");
}

}  // namespace

const SgemmMicroKernel& selected_sgemm_kernel() {
  static const SgemmMicroKernel kernel = choose_kernel();
  return kernel;
}

std::string simd_level() {
  return selected_sgemm_kernel().name;
}

}  // namespace cnn::kernels::cpu
