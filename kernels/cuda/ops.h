// Hand-written CUDA kernels: host launchers with the same signatures as kernels/host_ops.inc plus a
// trailing stream (conventions and formulas are documented there). Every pointer is device memory,
// including cross_entropy_backward's dloss. Launchers enqueue work and return without syncing;
// launch errors surface through cudaGetLastError / the next synchronising call.
//
// The same .cu sources build two ways: by nvcc for real GPUs, and by the host compiler against the
// SIMT harness (kernels/simt) so tests run every kernel on machines without a GPU.
#pragma once

#include <cstdint>

#include "kernels/cuda/runtime.h"
#include "kernels/shapes.h"

namespace cnn::kernels::cuda {

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                    float* y, cudaStream_t stream);
void conv2d_backward_data(const Conv2dShape& s, const float* dy, const float* w, float* dx,
                          cudaStream_t stream);
void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                            cudaStream_t stream);
void conv2d_backward_bias(const Conv2dShape& s, const float* dy, float* db, cudaStream_t stream);
void linear_forward(const LinearShape& s, const float* x, const float* w, const float* bias,
                    float* y, cudaStream_t stream);
void linear_backward_data(const LinearShape& s, const float* dy, const float* w, float* dx,
                          cudaStream_t stream);
void linear_backward_weight(const LinearShape& s, const float* dy, const float* x, float* dw,
                            cudaStream_t stream);
void linear_backward_bias(const LinearShape& s, const float* dy, float* db, cudaStream_t stream);
void relu_forward(int64_t n, const float* x, float* y, cudaStream_t stream);
void relu_backward(int64_t n, const float* x, const float* dy, float* dx, cudaStream_t stream);
void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax,
                        cudaStream_t stream);
void max_pool2d_backward(const MaxPool2dShape& s, const float* dy, const int32_t* argmax, float* dx,
                         cudaStream_t stream);
void avg_pool2d_forward(const AvgPool2dShape& s, const float* x, float* y, cudaStream_t stream);
void avg_pool2d_backward(const AvgPool2dShape& s, const float* dy, float* dx, cudaStream_t stream);
void batch_norm2d_forward_training(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                   const float* beta, float eps, float momentum, float* y,
                                   float* save_mean, float* save_invstd, float* running_mean,
                                   float* running_var, cudaStream_t stream);
void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                    const float* beta, const float* running_mean,
                                    const float* running_var, float eps, float* y,
                                    cudaStream_t stream);
void batch_norm2d_backward_training(const BatchNorm2dShape& s, const float* x, const float* dy,
                                    const float* gamma, const float* save_mean,
                                    const float* save_invstd, float* dx, float* dgamma,
                                    float* dbeta, cudaStream_t stream);
void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const float* x, const float* dy,
                                     const float* gamma, const float* running_mean,
                                     const float* running_var, float eps, float* dx,
                                     float* dgamma, float* dbeta, cudaStream_t stream);
void softmax_forward(const SoftmaxShape& s, const float* x, float* y, cudaStream_t stream);
void softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx,
                      cudaStream_t stream);
void log_softmax_forward(const SoftmaxShape& s, const float* x, float* y, cudaStream_t stream);
void log_softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx,
                          cudaStream_t stream);
void cross_entropy_forward(const SoftmaxShape& s, const float* logits, const int32_t* labels,
                           float* probs, float* loss, cudaStream_t stream);
void cross_entropy_backward(const SoftmaxShape& s, const float* probs, const int32_t* labels,
                            const float* dloss, float* dlogits, cudaStream_t stream);
void sgd_update(int64_t n, const SgdParams& p, float* param, const float* grad, float* momentum_buf,
                cudaStream_t stream);
void adam_update(int64_t n, const AdamParams& p, float* param, const float* grad, float* m,
                 float* v, cudaStream_t stream);
void fill(int64_t n, float value, float* x, cudaStream_t stream);
void axpy(int64_t n, float alpha, const float* x, float* y, cudaStream_t stream);
void scale(int64_t n, float alpha, float* x, cudaStream_t stream);
void add(int64_t n, const float* a, const float* b, float* out, cudaStream_t stream);
void mul(int64_t n, const float* a, const float* b, float* out, cudaStream_t stream);
void sum_axis(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y,
              cudaStream_t stream);
void sum_squares(int64_t n, const float* x, float* out, cudaStream_t stream);
void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, float* mask,
                     cudaStream_t stream);
void leaky_relu_forward(int64_t n, float slope, const float* x, float* y, cudaStream_t stream);
void leaky_relu_backward(int64_t n, float slope, const float* x, const float* dy, float* dx,
                         cudaStream_t stream);
void clamp_forward(int64_t n, float lo, float hi, const float* x, float* y, cudaStream_t stream);
void clamp_backward(int64_t n, float lo, float hi, const float* x, const float* dy, float* dx,
                    cudaStream_t stream);
void sigmoid_forward(int64_t n, const float* x, float* y, cudaStream_t stream);
void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx, cudaStream_t stream);
void bce_with_logits_forward(int64_t n, const float* logits, const float* targets,
                             const float* weights, float* loss, cudaStream_t stream);
void bce_with_logits_backward(int64_t n, const float* logits, const float* targets,
                              const float* weights, const float* dloss, bool per_element_dloss,
                              float scale, float* dlogits, cudaStream_t stream);
void upsample_nearest2d_forward(const UpsampleShape& s, const float* x, float* y,
                                cudaStream_t stream);
void upsample_nearest2d_backward(const UpsampleShape& s, const float* dy, float* dx,
                                 cudaStream_t stream);
void copy_2d(int64_t rows, int64_t cols, const float* src, int64_t src_ld, float* dst,
             int64_t dst_ld, cudaStream_t stream);
// Row-major SGEMM used by the linear and conv launchers: C[M,N] = op(A) * op(B) (+ bias[N] when
// bias is not null), op as in cpu::sgemm. Exposed for the benchmarks against cuBLAS.
void sgemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
           int ldb, const float* bias, float* C, int ldc, cudaStream_t stream);

}  // namespace cnn::kernels::cuda
