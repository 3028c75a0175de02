// linear forward and backward on the CPU: three SGEMMs with the linear layer's transposes, and the
// bias fused as the GEMM's initial C (y = bias rows, then beta = 1).
#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

void linear_forward(const LinearShape& s, const float* x, const float* w, const float* bias,
                    float* y) {
  float beta = 0.f;
  if (bias) {
#pragma omp parallel for if (worth_parallel(int64_t(s.M) * s.N))
    for (int m = 0; m < s.M; ++m)
      for (int n = 0; n < s.N; ++n) y[int64_t(m) * s.N + n] = bias[n];
    beta = 1.f;
  }
  // y[M,N] (+)= x[M,K] * w[N,K]^T
  sgemm(false, true, s.M, s.N, s.K, 1.f, x, s.K, w, s.K, beta, y, s.N);
}

void linear_backward_data(const LinearShape& s, const float* dy, const float* w, float* dx) {
  // dx[M,K] = dy[M,N] * w[N,K]
  sgemm(false, false, s.M, s.K, s.N, 1.f, dy, s.N, w, s.K, 0.f, dx, s.K);
}

void linear_backward_weight(const LinearShape& s, const float* dy, const float* x, float* dw) {
  // dw[N,K] = dy[M,N]^T * x[M,K]
  sgemm(true, false, s.N, s.K, s.M, 1.f, dy, s.N, x, s.K, 0.f, dw, s.K);
}

void linear_backward_bias(const LinearShape& s, const float* dy, float* db) {
  sum_axis(1, s.M, s.N, dy, db);
}

}  // namespace cnn::kernels::cpu
