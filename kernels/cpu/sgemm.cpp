// TEMPORARY simple SGEMM (correct, not fast); replaced by the packed implementation.
#include "kernels/cpu/ops.h"
#include "kernels/cpu/sgemm_internal.h"

namespace cnn::kernels::cpu {

void sgemm_serial(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
                  int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    float* c = C + int64_t(i) * ldc;
    for (int j = 0; j < N; ++j) c[j] = beta == 0.f ? 0.f : beta * c[j];
    for (int k = 0; k < K; ++k) {
      const float a = alpha * (trans_a ? A[int64_t(k) * lda + i] : A[int64_t(i) * lda + k]);
      if (trans_b)
        for (int j = 0; j < N; ++j) c[j] += a * B[int64_t(j) * ldb + k];
      else
        for (int j = 0; j < N; ++j) c[j] += a * B[int64_t(k) * ldb + j];
    }
  }
}

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < M; ++i)
    sgemm_serial(trans_a, trans_b, 1, N, K, alpha, trans_a ? A + i : A + int64_t(i) * lda, lda, B,
                 ldb, beta, C + int64_t(i) * ldc, ldc);
}

std::string simd_level() {
  return "portable";
}

}  // namespace cnn::kernels::cpu
