// Portable SGEMM micro-kernel, 4 x 16: plain C++ over a fixed-size accumulator block, which the
// compiler keeps in vector registers on any target (SSE, NEON, ...). Used where neither AVX2 nor
// AVX-512 is available.
#include "kernels/cpu/sgemm_kernels.h"

namespace cnn::kernels::cpu {

namespace {

constexpr int kMR = 4, kNR = 16;

void kernel_4x16(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                 bool accumulate) {
  float acc[kMR][kNR] = {};
  for (int64_t k = 0; k < kc; ++k, a += kMR, b += kNR)
    for (int i = 0; i < kMR; ++i)
#pragma omp simd
      for (int j = 0; j < kNR; ++j) acc[i][j] += a[i] * b[j];
  for (int i = 0; i < kMR; ++i) {
    float* ci = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < kNR; ++j) ci[j] += acc[i][j];
    else
      for (int j = 0; j < kNR; ++j) ci[j] = acc[i][j];
  }
}

}  // namespace

SgemmMicroKernel sgemm_kernel_portable() {
  return {"portable", kMR, kNR, kernel_4x16, nullptr, nullptr};
}

}  // namespace cnn::kernels::cpu
