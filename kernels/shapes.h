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

// y[N,K,P,Q] = conv(x[N,C,H,W], w[K,C/groups,R,S]) + b[K]
// Grouped convolution (PyTorch semantics): channels split into `groups` equal groups; filter k
// sees only the C/groups input channels of its group g = k / (K/groups). groups == C is the
// depthwise convolution (K = C * multiplier).
struct Conv2dShape {
  int N = 1, C = 1, H = 1, W = 1;  // input
  int K = 1, R = 1, S = 1;         // K filters of C/groups x R x S
  int stride_h = 1, stride_w = 1;
  int pad_h = 0, pad_w = 0;
  int groups = 1;

  constexpr int P() const { return window_output_size(H, R, stride_h, pad_h); }
  constexpr int Q() const { return window_output_size(W, S, stride_w, pad_w); }
  constexpr int group_channels() const { return C / groups; }  // input channels per group
  constexpr int group_filters() const { return K / groups; }   // filters per group
  constexpr bool depthwise() const { return groups > 1 && groups == C; }
  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t weight_size() const { return int64_t(K) * group_channels() * R * S; }
  constexpr int64_t output_size() const { return int64_t(N) * K * P() * Q(); }
  constexpr bool valid() const {
    return N > 0 && C > 0 && H > 0 && W > 0 && K > 0 && R > 0 && S > 0 && stride_h > 0 &&
           stride_w > 0 && pad_h >= 0 && pad_w >= 0 && groups > 0 && C % groups == 0 &&
           K % groups == 0 && P() > 0 && Q() > 0;
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
  // Extra -infinity padding after the input (bottom/right) beyond pad_h/pad_w: TensorFlow's 'same'
  // pooling pads only at the end when the total padding is odd (2x2 stride 2 on 207 -> 104).
  int extra_pad_h_end = 0, extra_pad_w_end = 0;

  constexpr int P() const {
    return window_output_size(H + extra_pad_h_end, kernel_h, stride_h, pad_h, dilation_h);
  }
  constexpr int Q() const {
    return window_output_size(W + extra_pad_w_end, kernel_w, stride_w, pad_w, dilation_w);
  }
  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t output_size() const { return int64_t(N) * C * P() * Q(); }
  // PyTorch's rule: padding at most half the (dilated) kernel, so every window sees a real element.
  constexpr bool valid() const {
    return N > 0 && C > 0 && H > 0 && W > 0 && kernel_h > 0 && kernel_w > 0 && stride_h > 0 &&
           stride_w > 0 && dilation_h > 0 && dilation_w > 0 && pad_h >= 0 && pad_w >= 0 &&
           2 * pad_h <= kernel_h && 2 * pad_w <= kernel_w && extra_pad_h_end >= 0 &&
           extra_pad_w_end >= 0 && pad_h + extra_pad_h_end < kernel_h &&
           pad_w + extra_pad_w_end < kernel_w && P() > 0 && Q() > 0;
  }
};

// y[N,C,P,Q] = mean over a kernel_h x kernel_w window with zero padding (PyTorch's avg_pool2d,
// floor mode). count_include_pad: divide by kernel_h * kernel_w (PyTorch's default) rather than
// by the number of in-bounds elements of the window.
struct AvgPool2dShape {
  int N = 1, C = 1, H = 1, W = 1;
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 2, stride_w = 2;
  int pad_h = 0, pad_w = 0;
  bool count_include_pad = true;

  constexpr int P() const { return window_output_size(H, kernel_h, stride_h, pad_h); }
  constexpr int Q() const { return window_output_size(W, kernel_w, stride_w, pad_w); }
  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t output_size() const { return int64_t(N) * C * P() * Q(); }
  // PyTorch's rule: padding at most half the kernel, so every window holds a real element.
  constexpr bool valid() const {
    return N > 0 && C > 0 && H > 0 && W > 0 && kernel_h > 0 && kernel_w > 0 && stride_h > 0 &&
           stride_w > 0 && pad_h >= 0 && pad_w >= 0 && 2 * pad_h <= kernel_h &&
           2 * pad_w <= kernel_w && P() > 0 && Q() > 0;
  }
};

// Batch normalisation over x[N,C,H,W]: per-channel statistics over the n = N*H*W elements of a
// channel (PyTorch's BatchNorm2d).
struct BatchNorm2dShape {
  int N = 1, C = 1, H = 1, W = 1;

  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t per_channel() const { return int64_t(N) * H * W; }
  constexpr bool valid() const { return N > 0 && C > 0 && H > 0 && W > 0; }
};

// Row-wise softmax family over x[rows, cols].
struct SoftmaxShape {
  int rows = 1, cols = 1;
  constexpr bool valid() const { return rows > 0 && cols > 0; }
};

// Nearest-neighbour upsampling by an integer factor (PyTorch's upsample_nearest2d with an integer
// scale_factor): y[N,C,H*scale,W*scale], y[n,c,p,q] = x[n,c,p/scale,q/scale].
struct UpsampleShape {
  int N = 1, C = 1, H = 1, W = 1;
  int scale = 2;

  constexpr int P() const { return H * scale; }
  constexpr int Q() const { return W * scale; }
  constexpr int64_t input_size() const { return int64_t(N) * C * H * W; }
  constexpr int64_t output_size() const { return int64_t(N) * C * P() * Q(); }
  constexpr bool valid() const {
    return N > 0 && C > 0 && H > 0 && W > 0 && scale > 0 && int64_t(H) * scale <= INT32_MAX &&
           int64_t(W) * scale <= INT32_MAX;
  }
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
