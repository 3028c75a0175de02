// AVX2 + FMA SGEMM micro-kernel, 6 x 16: 12 ymm accumulators + 2 B vectors + 1 broadcast = 15 of
// the 16 ymm registers; 12 independent FMA chains cover the FMA latency x throughput (4 x 2) of
// current x86 cores with room to spare. Compiled with -mavx2 -mfma (file suffix _avx2.cpp).
#include <immintrin.h>

#include "kernels/cpu/sgemm_kernels.h"

namespace cnn::kernels::cpu {

namespace {

constexpr int kMR = 6, kNR = 16;

void kernel_6x16(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                 bool accumulate) {
  __m256 acc[kMR][2];
#pragma GCC unroll 6
  for (int i = 0; i < kMR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < kMR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < kMR; ++i) {
    float* ci = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(ci));
      acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(ci + 8));
    }
    _mm256_storeu_ps(ci, acc[i][0]);
    _mm256_storeu_ps(ci + 8, acc[i][1]);
  }
}

}  // namespace

SgemmMicroKernel sgemm_kernel_avx2() {
  return {"avx2", kMR, kNR, kernel_6x16, nullptr, nullptr};
}

}  // namespace cnn::kernels::cpu
