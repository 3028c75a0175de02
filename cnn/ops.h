// Functional ops: forward on the tensor's device, a backward node when grad is needed.
//
// Every op checks shapes and devices at its boundary (a cnn::Error names the op, the shapes and
// the devices; inputs on different devices are an error, never a silent copy) and then calls the
// kernels/cpu or kernels/cuda twin chosen by the device. Outputs are new tensors; nothing here
// mutates its inputs.
#pragma once

#include <cstdint>
#include <vector>

#include "cnn/tensor.h"

namespace cnn {

class Generator;

// ---- layers ----
// x [N,C,H,W], weight [K,C,R,S], bias [K] or undefined -> [N,K,P,Q] (PyTorch's Conv2d).
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(), int stride = 1,
              int padding = 0);
// Per-axis stride and zero padding, and groups (PyTorch semantics): C and K divisible by groups,
// weight [K, C/groups, R, S]; groups == C is a depthwise convolution.
struct Conv2dOptions {
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, groups = 1;
};
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& o);
// x [M,K], weight [N,K], bias [N] or undefined -> [M,N] (x * weight^T + bias).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
// x [N,C,H,W] -> [N,C,P,Q]; padding counts as -infinity; stride 0 means stride = kernel.
Tensor max_pool2d(const Tensor& x, int kernel, int stride = 0, int padding = 0, int dilation = 1);
// TensorFlow's 'same' max pooling (face-api's TinyFaceDetector): output ceil(in / stride) per
// axis; the total padding max((out-1)*stride + kernel - in, 0) is split begin = total/2 and end =
// the rest, so an odd total pads one more -infinity row/column at the bottom/right.
Tensor max_pool2d_same(const Tensor& x, int kernel, int stride);
// x [N,C,H,W] -> [N,C,P,Q]: window means with zero padding (PyTorch's avg_pool2d, floor mode);
// count_include_pad divides by kernel*kernel, otherwise by the in-bounds count. stride 0 = kernel.
Tensor avg_pool2d(const Tensor& x, int kernel, int stride = 0, int padding = 0,
                  bool count_include_pad = true);
// x [N,C,H,W] -> [N,C,1,1], the mean of each plane (AdaptiveAvgPool2d(1)).
Tensor global_avg_pool2d(const Tensor& x);
// PyTorch's batch_norm on x [N,C,H,W]. weight/bias [C] or undefined (1 and 0). training: batch
// statistics; running_mean/running_var [C] (buffers, no grad) are updated in place when given:
// r_mean = (1-momentum)*r_mean + momentum*mean, r_var = (1-momentum)*r_var + momentum*unbiased var.
// Eval (training=false): the running statistics normalise and are constants of the backward.
Tensor batch_norm2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Tensor& running_mean, const Tensor& running_var, bool training,
                    float momentum = 0.1f, float eps = 1e-5f);
Tensor relu(const Tensor& x);
// Zeroes each element with probability p and scales survivors by 1/(1-p) when `training`;
// the identity otherwise. The mask seed comes from `gen` (default generator when null).
Tensor dropout(const Tensor& x, float p, bool training = true, Generator* gen = nullptr);
// x > 0 ? x : negative_slope * x (gradient negative_slope at exactly 0, as PyTorch).
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
// hardtanh: min(max(x, lo), hi), lo <= hi; gradient 1 strictly inside (lo, hi), 0 elsewhere.
Tensor clamp(const Tensor& x, float lo, float hi);
Tensor relu6(const Tensor& x);  // clamp(x, 0, 6)
Tensor sigmoid(const Tensor& x);
// x [N,C,H,W] -> [N,C,H*scale,W*scale], nearest neighbour, integer scale >= 1.
Tensor upsample_nearest2d(const Tensor& x, int scale);

// ---- shape ----
Tensor reshape(const Tensor& x, const Shape& shape);
// Keeps dimensions before start_dim, merges the rest: [N,C,H,W] -> [N,C*H*W] for start_dim 1.
Tensor flatten(const Tensor& x, int64_t start_dim = 1);
// Joins same-shaped tensors (except along dim; negative dims count from the end) into a new one;
// dim 1 of NCHW stacks channels. The gradient is split back into each input.
Tensor concat(const std::vector<Tensor>& xs, int64_t dim = 1);
// A copy of elements [start, start+length) of dimension dim (not a view: tensors are contiguous).
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
// Consecutive narrows of the given sizes along dim (they must add up to x.size(dim)).
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 1);

// ---- softmax family (over the last dimension of a 2-D [rows, classes] tensor) ----
Tensor softmax(const Tensor& x);
Tensor log_softmax(const Tensor& x);
// Mean over the batch of -log softmax(logits)[label]: logits [N, classes], labels are class
// indices 0 <= label < classes (validated on the host; a bad label is a cnn::Error naming it).
Tensor cross_entropy(const Tensor& logits, const std::vector<int32_t>& labels);

// How a per-element loss is reduced (PyTorch's `reduction` argument).
enum class Reduction { none, sum, mean };
// loss_i = w_i * (max(x_i,0) - x_i*t_i + log1p(exp(-|x_i|))), stable for any logit; targets t
// (in [0, 1]) and optional weights w have the logits' shape and receive no gradient. none: the
// per-element losses; sum, mean: shape [].
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        const Tensor& weights = Tensor(),
                                        Reduction reduction = Reduction::mean);

// ---- elementwise and reductions (same-shape operands; no broadcasting) ----
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, float scalar);
Tensor sum(const Tensor& x);   // -> shape [] (one element)
Tensor mean(const Tensor& x);  // -> shape [] (one element)

inline Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
inline Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
inline Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
inline Tensor operator*(const Tensor& a, float s) {
  return mul(a, s);
}
inline Tensor operator*(float s, const Tensor& a) {
  return mul(a, s);
}

// Index of the largest logit per row of a 2-D tensor (ties: first), computed on the host.
std::vector<int32_t> argmax_rows(const Tensor& x);

}  // namespace cnn
