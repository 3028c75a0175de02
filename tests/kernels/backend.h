// The one interface the table-driven kernel tests run against: memory in the backend's address
// space plus every kernel of kernels/host_ops.inc. Implementations: backend_cpu.cpp
// (kernels/cpu), backend_cuda.cpp (kernels/cuda through the CUDA runtime: real GPU or SIMT
// harness) and backend_reference.cpp (the float reference, to check the harness itself). Each test
// binary links exactly one and gets it from backend_under_test().
//
// Pointers passed to the op methods come from allocate(); cross_entropy_backward's dloss too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/shapes.h"

namespace cnn::test {

using kernels::AdamParams;
using kernels::AvgPool2dShape;
using kernels::BatchNorm2dShape;
using kernels::Conv2dShape;
using kernels::LinearShape;
using kernels::MaxPool2dShape;
using kernels::SgdParams;
using kernels::SoftmaxShape;
using kernels::UpsampleShape;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;

  // ---- memory ----
  virtual void* allocate(size_t bytes) = 0;
  virtual void release(void* p) noexcept = 0;
  virtual void upload(void* dst, const void* src, size_t bytes) = 0;
  // Waits for all queued work first, and fails loudly on any asynchronous error.
  virtual void download(void* dst, const void* src, size_t bytes) = 0;
  // Fills with 0xFF bytes: a float NaN and an int32 -1, so an output element the kernel forgets
  // to write cannot match the reference.
  virtual void poison(void* p, size_t bytes) = 0;

  // ---- kernels (formulas and conventions: kernels/host_ops.inc) ----
  virtual void conv2d_forward(const Conv2dShape& s, const float* x, const float* w,
                              const float* bias, float* y) = 0;
  virtual void conv2d_backward_data(const Conv2dShape& s, const float* dy, const float* w,
                                    float* dx) = 0;
  virtual void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy,
                                      float* dw) = 0;
  virtual void conv2d_backward_bias(const Conv2dShape& s, const float* dy, float* db) = 0;
  virtual void linear_forward(const LinearShape& s, const float* x, const float* w,
                              const float* bias, float* y) = 0;
  virtual void linear_backward_data(const LinearShape& s, const float* dy, const float* w,
                                    float* dx) = 0;
  virtual void linear_backward_weight(const LinearShape& s, const float* dy, const float* x,
                                      float* dw) = 0;
  virtual void linear_backward_bias(const LinearShape& s, const float* dy, float* db) = 0;
  virtual void relu_forward(int64_t n, const float* x, float* y) = 0;
  virtual void relu_backward(int64_t n, const float* x, const float* dy, float* dx) = 0;
  virtual void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y,
                                  int32_t* argmax) = 0;
  virtual void max_pool2d_backward(const MaxPool2dShape& s, const float* dy, const int32_t* argmax,
                                   float* dx) = 0;
  virtual void avg_pool2d_forward(const AvgPool2dShape& s, const float* x, float* y) = 0;
  virtual void avg_pool2d_backward(const AvgPool2dShape& s, const float* dy, float* dx) = 0;
  virtual void batch_norm2d_forward_training(const BatchNorm2dShape& s, const float* x,
                                             const float* gamma, const float* beta, float eps,
                                             float momentum, float* y, float* save_mean,
                                             float* save_invstd, float* running_mean,
                                             float* running_var) = 0;
  virtual void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const float* x,
                                              const float* gamma, const float* beta,
                                              const float* running_mean, const float* running_var,
                                              float eps, float* y) = 0;
  virtual void batch_norm2d_backward_training(const BatchNorm2dShape& s, const float* x,
                                              const float* dy, const float* gamma,
                                              const float* save_mean, const float* save_invstd,
                                              float* dx, float* dgamma, float* dbeta) = 0;
  virtual void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const float* x,
                                               const float* dy, const float* gamma,
                                               const float* running_mean,
                                               const float* running_var, float eps, float* dx,
                                               float* dgamma, float* dbeta) = 0;
  virtual void softmax_forward(const SoftmaxShape& s, const float* x, float* y) = 0;
  virtual void softmax_backward(const SoftmaxShape& s, const float* y, const float* dy,
                                float* dx) = 0;
  virtual void log_softmax_forward(const SoftmaxShape& s, const float* x, float* y) = 0;
  virtual void log_softmax_backward(const SoftmaxShape& s, const float* y, const float* dy,
                                    float* dx) = 0;
  virtual void cross_entropy_forward(const SoftmaxShape& s, const float* logits,
                                     const int32_t* labels, float* probs, float* loss) = 0;
  virtual void cross_entropy_backward(const SoftmaxShape& s, const float* probs,
                                      const int32_t* labels, const float* dloss,
                                      float* dlogits) = 0;
  virtual void sgd_update(int64_t n, const SgdParams& p, float* param, const float* grad,
                          float* momentum_buf) = 0;
  virtual void adam_update(int64_t n, const AdamParams& p, float* param, const float* grad,
                           float* m, float* v) = 0;
  virtual void fill(int64_t n, float value, float* x) = 0;
  virtual void axpy(int64_t n, float alpha, const float* x, float* y) = 0;
  virtual void scale(int64_t n, float alpha, float* x) = 0;
  virtual void add(int64_t n, const float* a, const float* b, float* out) = 0;
  virtual void mul(int64_t n, const float* a, const float* b, float* out) = 0;
  virtual void sum_axis(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y) = 0;
  virtual void sum_squares(int64_t n, const float* x, float* out) = 0;
  virtual void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y,
                               float* mask) = 0;
  virtual void leaky_relu_forward(int64_t n, float slope, const float* x, float* y) = 0;
  virtual void leaky_relu_backward(int64_t n, float slope, const float* x, const float* dy,
                                   float* dx) = 0;
  virtual void clamp_forward(int64_t n, float lo, float hi, const float* x, float* y) = 0;
  virtual void clamp_backward(int64_t n, float lo, float hi, const float* x, const float* dy,
                              float* dx) = 0;
  virtual void sigmoid_forward(int64_t n, const float* x, float* y) = 0;
  virtual void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx) = 0;
  virtual void bce_with_logits_forward(int64_t n, const float* logits, const float* targets,
                                       const float* weights, float* loss) = 0;
  virtual void bce_with_logits_backward(int64_t n, const float* logits, const float* targets,
                                        const float* weights, const float* dloss,
                                        bool per_element_dloss, float scale, float* dlogits) = 0;
  virtual void upsample_nearest2d_forward(const UpsampleShape& s, const float* x, float* y) = 0;
  virtual void upsample_nearest2d_backward(const UpsampleShape& s, const float* dy,
                                           float* dx) = 0;
  virtual void copy_2d(int64_t rows, int64_t cols, const float* src, int64_t src_ld, float* dst,
                       int64_t dst_ld) = 0;
};

// The backend this test binary checks (defined by the one backend_*.cpp it links).
Backend& backend_under_test();

// A typed buffer in a backend's memory. Constructed from host data it holds a copy; constructed
// from a size it is poisoned, ready to be an output. `misalign` elements of poisoned padding go
// before the data, so data() is not 16-byte aligned when misalign is odd: kernels must not assume
// aligned pointers (autograd hands them views), and vectorised paths must check.
template <typename T>
class BackendArray {
 public:
  BackendArray(Backend& b, const std::vector<T>& host, int misalign = 0)
      : BackendArray(b, int64_t(host.size()), misalign) {
    if (!host.empty()) backend_.upload(data(), host.data(), bytes());
  }
  BackendArray(Backend& b, int64_t count, int misalign = 0)
      : backend_(b), count_(count), misalign_(misalign) {
    const size_t total = bytes() + size_t(misalign) * sizeof(T);
    base_ = static_cast<T*>(backend_.allocate(total > 0 ? total : sizeof(T)));
    backend_.poison(base_, total);
  }
  BackendArray(const BackendArray&) = delete;
  BackendArray& operator=(const BackendArray&) = delete;
  ~BackendArray() { backend_.release(base_); }

  T* data() { return base_ + misalign_; }
  std::vector<T> download() const {
    std::vector<T> host(static_cast<size_t>(count_));
    if (count_ > 0) backend_.download(host.data(), base_ + misalign_, bytes());
    return host;
  }

 private:
  size_t bytes() const { return size_t(count_) * sizeof(T); }
  Backend& backend_;
  int64_t count_;
  int misalign_;
  T* base_ = nullptr;
};

}  // namespace cnn::test
