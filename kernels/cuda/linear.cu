// Linear layer y[M,N] = x[M,K] * w[N,K]^T + b[N] and its gradients, each one call of cuda::sgemm
// (bias fused into the forward GEMM's epilogue) except the bias gradient, a column reduction.
// The seed network's Linear(80000->1024) at batch 64 has only 16 output tiles; sgemm's split-K
// spreads its 80000-long reduction over the whole GPU.
#include "kernels/cuda/ops.h"
#include "kernels/cuda/reduce.h"

namespace cnn::kernels::cuda {

void linear_forward(const LinearShape& s, const float* x, const float* w, const float* bias,
                    float* y, cudaStream_t stream) {
  sgemm(false, true, s.M, s.N, s.K, x, s.K, w, s.K, bias, y, s.N, stream);
}

void linear_backward_data(const LinearShape& s, const float* dy, const float* w, float* dx,
                          cudaStream_t stream) {
  sgemm(false, false, s.M, s.K, s.N, dy, s.N, w, s.K, nullptr, dx, s.K, stream);
}

void linear_backward_weight(const LinearShape& s, const float* dy, const float* x, float* dw,
                            cudaStream_t stream) {
  sgemm(true, false, s.N, s.K, s.M, dy, s.N, x, s.K, nullptr, dw, s.K, stream);
}

void linear_backward_bias(const LinearShape& s, const float* dy, float* db, cudaStream_t stream) {
  detail::sum_columns(1, s.M, s.N, dy, db, stream);
}

}  // namespace cnn::kernels::cuda
