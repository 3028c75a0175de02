// Shape structs shared by every kernel backend (reference, cpu, cuda).
//
// kernels/ knows nothing of Tensor: a kernel takes raw float pointers plus one of these structs.
// All tensors are float32, contiguous, NCHW (activations) or [out, in, kH, kW] (conv weights,
// PyTorch's layout), [out, in] (linear weights). Element counts are int64_t because the seed
// network's largest tensor (1024 x 80000 linear weight) is close to 2^27 and batch x that overflows
// int quickly in the backward products.
#pragma once

#include <cstdint>

namespace cnn::kernels {

// Output extent of a sliding window (floor mode, as PyTorch computes it); 0 when the dilated
// window does not fit in the padded input (C++ division truncates toward zero, so a negative span
// must not reach the division).
constexpr int window_output_size(int in, int kernel, int stride, int pad, int dilation = 1) {
  const int span = in + 2 * pad - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

// y[N,K,P,Q] = conv(x[N,C,H,W], w[K,C,R,S]) + b[K]
struct Conv2dShape {
  int N = 1, C = 1, H = 1, W = 1;  // input
  int K = 1, R = 1, S = 1;         // K filters of C x R x S
  int stride_h = 1, stride_w = 1;
  int pad_h = 0, pad_w = 0;

  constexpr int P() const { return window_output_size(H, R, stride_h, pad_h); }
  constexpr int Q() const { return window_output_size(W, S, stride_w, pad_w); }
  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t weight_size() const { return int64_t(K) * C * R * S; }
  constexpr int64_t output_size() const { return int64_t(N) * K * P() * Q(); }
  constexpr bool valid() const {
    return N > 0 && C > 0 && H > 0 && W > 0 && K > 0 && R > 0 && S > 0 && stride_h > 0 &&
           stride_w > 0 && pad_h >= 0 && pad_w >= 0 && P() > 0 && Q() > 0;
  }
};

// y[M,N] = x[M,K] * w[N,K]^T + b[N]   (M = batch, K = in_features, N = out_features)
struct LinearShape {
  int M = 1, N = 1, K = 1;
  constexpr bool valid() const { return M > 0 && N > 0 && K > 0; }
};

// y[N,C,P,Q] = max over a kernel_h x kernel_w window; padding counts as -infinity.
struct MaxPool2dShape {
  int N = 1, C = 1, H = 1, W = 1;
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 2, stride_w = 2;
  int pad_h = 0, pad_w = 0;
  int dilation_h = 1, dilation_w = 1;

  constexpr int P() const { return window_output_size(H, kernel_h, stride_h, pad_h, dilation_h); }
  constexpr int Q() const { return window_output_size(W, kernel_w, stride_w, pad_w, dilation_w); }
  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t output_size() const { return int64_t(N) * C * P() * Q(); }
  // PyTorch's rule: padding at most half the (dilated) kernel, so every window sees a real element.
  constexpr bool valid() const {
    return N > 0 && C > 0 && H > 0 && W > 0 && kernel_h > 0 && kernel_w > 0 && stride_h > 0 &&
           stride_w > 0 && dilation_h > 0 && dilation_w > 0 && pad_h >= 0 && pad_w >= 0 &&
           2 * pad_h <= kernel_h && 2 * pad_w <= kernel_w && P() > 0 && Q() > 0;
  }
};

// Row-wise softmax family over x[rows, cols].
struct SoftmaxShape {
  int rows = 1, cols = 1;
  constexpr bool valid() const { return rows > 0 && cols > 0; }
};

// Hyper-parameters of the fused optimizer updates (PyTorch semantics).
struct SgdParams {
  float lr = 1e-3f;
  float momentum = 0.f;
  float dampening = 0.f;
  float weight_decay = 0.f;  // L2, added to the gradient
  bool nesterov = false;
};

struct AdamParams {
  float lr = 1e-3f;
  float beta1 = 0.9f, beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.f;
  bool decoupled_weight_decay = false;  // true: AdamW (decay applied to the weight, not the grad)
  int64_t step = 1;                     // 1-based step count, for bias correction
};

}  // namespace cnn::kernels
