// kernels/cuda as the Backend that test_kernels_cuda checks: buffers from cudaMalloc, copies with
// cudaMemcpy, kernels on the default stream. The same file serves the native build (a real GPU)
// and the SIMT build (the CUDA runtime subset of kernels/simt running the kernels on CPU fibers).
// Any CUDA error throws, naming the call, so a failing launch fails the test case that made it.
#include <stdexcept>
#include <string>

#include "kernels/cuda/ops.h"
#include "kernels/cuda/runtime.h"
#include "tests/kernels/backend.h"

namespace cnn::test {
namespace {

namespace cuda = cnn::kernels::cuda;

void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw std::runtime_error(std::string(what) + " failed: " + cudaGetErrorString(err));
}

class CudaBackend final : public Backend {
 public:
  const char* name() const override { return "cuda"; }

  void* allocate(size_t bytes) override {
    void* p = nullptr;
    check(cudaMalloc(&p, bytes), "cudaMalloc");
    return p;
  }
  void release(void* p) noexcept override { cudaFree(p); }
  void upload(void* dst, const void* src, size_t bytes) override {
    check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy host->device");
  }
  void download(void* dst, const void* src, size_t bytes) override {
    // Launch errors surface here: launchers enqueue and return without syncing.
    check(cudaGetLastError(), "kernel launch");
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy device->host");
  }
  void poison(void* p, size_t bytes) override { check(cudaMemset(p, 0xFF, bytes), "cudaMemset"); }

  void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                      float* y) override {
    cuda::conv2d_forward(s, x, w, bias, y, stream_);
  }
  void conv2d_backward_data(const Conv2dShape& s, const float* dy, const float* w,
                            float* dx) override {
    cuda::conv2d_backward_data(s, dy, w, dx, stream_);
  }
  void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy,
                              float* dw) override {
    cuda::conv2d_backward_weight(s, x, dy, dw, stream_);
  }
  void conv2d_backward_bias(const Conv2dShape& s, const float* dy, float* db) override {
    cuda::conv2d_backward_bias(s, dy, db, stream_);
  }
  void linear_forward(const LinearShape& s, const float* x, const float* w, const float* bias,
                      float* y) override {
    cuda::linear_forward(s, x, w, bias, y, stream_);
  }
  void linear_backward_data(const LinearShape& s, const float* dy, const float* w,
                            float* dx) override {
    cuda::linear_backward_data(s, dy, w, dx, stream_);
  }
  void linear_backward_weight(const LinearShape& s, const float* dy, const float* x,
                              float* dw) override {
    cuda::linear_backward_weight(s, dy, x, dw, stream_);
  }
  void linear_backward_bias(const LinearShape& s, const float* dy, float* db) override {
    cuda::linear_backward_bias(s, dy, db, stream_);
  }
  void relu_forward(int64_t n, const float* x, float* y) override {
    cuda::relu_forward(n, x, y, stream_);
  }
  void relu_backward(int64_t n, const float* x, const float* dy, float* dx) override {
    cuda::relu_backward(n, x, dy, dx, stream_);
  }
  void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y,
                          int32_t* argmax) override {
    cuda::max_pool2d_forward(s, x, y, argmax, stream_);
  }
  void max_pool2d_backward(const MaxPool2dShape& s, const float* dy, const int32_t* argmax,
                           float* dx) override {
    cuda::max_pool2d_backward(s, dy, argmax, dx, stream_);
  }
  void avg_pool2d_forward(const AvgPool2dShape& s, const float* x, float* y) override {
    cuda::avg_pool2d_forward(s, x, y, stream_);
  }
  void avg_pool2d_backward(const AvgPool2dShape& s, const float* dy, float* dx) override {
    cuda::avg_pool2d_backward(s, dy, dx, stream_);
  }
  void batch_norm2d_forward_training(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                     const float* beta, float eps, float momentum, float* y,
                                     float* save_mean, float* save_invstd, float* running_mean,
                                     float* running_var) override {
    cuda::batch_norm2d_forward_training(s, x, gamma, beta, eps, momentum, y, save_mean, save_invstd,
                                        running_mean, running_var, stream_);
  }
  void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const float* x,
                                      const float* gamma, const float* beta,
                                      const float* running_mean, const float* running_var,
                                      float eps, float* y) override {
    cuda::batch_norm2d_forward_inference(s, x, gamma, beta, running_mean, running_var, eps, y, stream_);
  }
  void batch_norm2d_backward_training(const BatchNorm2dShape& s, const float* x, const float* dy,
                                      const float* gamma, const float* save_mean,
                                      const float* save_invstd, float* dx, float* dgamma,
                                      float* dbeta) override {
    cuda::batch_norm2d_backward_training(s, x, dy, gamma, save_mean, save_invstd, dx, dgamma,
                                         dbeta, stream_);
  }
  void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const float* x, const float* dy,
                                       const float* gamma, const float* running_mean,
                                       const float* running_var, float eps, float* dx,
                                       float* dgamma, float* dbeta) override {
    cuda::batch_norm2d_backward_inference(s, x, dy, gamma, running_mean, running_var, eps, dx,
                                          dgamma, dbeta, stream_);
  }
  void softmax_forward(const SoftmaxShape& s, const float* x, float* y) override {
    cuda::softmax_forward(s, x, y, stream_);
  }
  void softmax_backward(const SoftmaxShape& s, const float* y, const float* dy,
                        float* dx) override {
    cuda::softmax_backward(s, y, dy, dx, stream_);
  }
  void log_softmax_forward(const SoftmaxShape& s, const float* x, float* y) override {
    cuda::log_softmax_forward(s, x, y, stream_);
  }
  void log_softmax_backward(const SoftmaxShape& s, const float* y, const float* dy,
                            float* dx) override {
    cuda::log_softmax_backward(s, y, dy, dx, stream_);
  }
  void cross_entropy_forward(const SoftmaxShape& s, const float* logits, const int32_t* labels,
                             float* probs, float* loss) override {
    cuda::cross_entropy_forward(s, logits, labels, probs, loss, stream_);
  }
  void cross_entropy_backward(const SoftmaxShape& s, const float* probs, const int32_t* labels,
                              const float* dloss, float* dlogits) override {
    cuda::cross_entropy_backward(s, probs, labels, dloss, dlogits, stream_);
  }
  void sgd_update(int64_t n, const SgdParams& p, float* param, const float* grad,
                  float* momentum_buf) override {
    cuda::sgd_update(n, p, param, grad, momentum_buf, stream_);
  }
  void adam_update(int64_t n, const AdamParams& p, float* param, const float* grad, float* m,
                   float* v) override {
    cuda::adam_update(n, p, param, grad, m, v, stream_);
  }
  void fill(int64_t n, float value, float* x) override { cuda::fill(n, value, x, stream_); }
  void axpy(int64_t n, float alpha, const float* x, float* y) override {
    cuda::axpy(n, alpha, x, y, stream_);
  }
  void scale(int64_t n, float alpha, float* x) override { cuda::scale(n, alpha, x, stream_); }
  void add(int64_t n, const float* a, const float* b, float* out) override {
    cuda::add(n, a, b, out, stream_);
  }
  void mul(int64_t n, const float* a, const float* b, float* out) override {
    cuda::mul(n, a, b, out, stream_);
  }
  void sum_axis(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y) override {
    cuda::sum_axis(outer, axis, inner, x, y, stream_);
  }
  void sum_squares(int64_t n, const float* x, float* out) override {
    cuda::sum_squares(n, x, out, stream_);
  }
  void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y,
                       float* mask) override {
    cuda::dropout_forward(n, p, seed, x, y, mask, stream_);
  }
  void leaky_relu_forward(int64_t n, float slope, const float* x, float* y) override {
    cuda::leaky_relu_forward(n, slope, x, y, stream_);
  }
  void leaky_relu_backward(int64_t n, float slope, const float* x, const float* dy,
                           float* dx) override {
    cuda::leaky_relu_backward(n, slope, x, dy, dx, stream_);
  }
  void clamp_forward(int64_t n, float lo, float hi, const float* x, float* y) override {
    cuda::clamp_forward(n, lo, hi, x, y, stream_);
  }
  void clamp_backward(int64_t n, float lo, float hi, const float* x, const float* dy,
                      float* dx) override {
    cuda::clamp_backward(n, lo, hi, x, dy, dx, stream_);
  }
  void sigmoid_forward(int64_t n, const float* x, float* y) override {
    cuda::sigmoid_forward(n, x, y, stream_);
  }
  void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx) override {
    cuda::sigmoid_backward(n, y, dy, dx, stream_);
  }
  void bce_with_logits_forward(int64_t n, const float* logits, const float* targets,
                               const float* weights, float* loss) override {
    cuda::bce_with_logits_forward(n, logits, targets, weights, loss, stream_);
  }
  void bce_with_logits_backward(int64_t n, const float* logits, const float* targets,
                                const float* weights, const float* dloss, bool per_element_dloss,
                                float scale, float* dlogits) override {
    cuda::bce_with_logits_backward(n, logits, targets, weights, dloss, per_element_dloss, scale,
                                   dlogits, stream_);
  }
  void upsample_nearest2d_forward(const UpsampleShape& s, const float* x, float* y) override {
    cuda::upsample_nearest2d_forward(s, x, y, stream_);
  }
  void upsample_nearest2d_backward(const UpsampleShape& s, const float* dy, float* dx) override {
    cuda::upsample_nearest2d_backward(s, dy, dx, stream_);
  }
  void copy_2d(int64_t rows, int64_t cols, const float* src, int64_t src_ld, float* dst,
               int64_t dst_ld) override {
    cuda::copy_2d(rows, cols, src, src_ld, dst, dst_ld, stream_);
  }

 private:
  cudaStream_t stream_ = nullptr;  // the legacy default stream: cudaMemcpy orders after it
};

}  // namespace

Backend& backend_under_test() {
  static CudaBackend backend;
  return backend;
}

}  // namespace cnn::test
