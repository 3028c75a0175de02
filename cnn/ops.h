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
// x [M,K], weight [N,K], bias [N] or undefined -> [M,N] (x * weight^T + bias).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
// x [N,C,H,W] -> [N,C,P,Q]; padding counts as -infinity; stride 0 means stride = kernel.
Tensor max_pool2d(const Tensor& x, int kernel, int stride = 0, int padding = 0, int dilation = 1);
Tensor relu(const Tensor& x);
// Zeroes each element with probability p and scales survivors by 1/(1-p) when `training`;
// the identity otherwise. The mask seed comes from `gen` (default generator when null).
Tensor dropout(const Tensor& x, float p, bool training = true, Generator* gen = nullptr);

// ---- shape ----
Tensor reshape(const Tensor& x, const Shape& shape);
// Keeps dimensions before start_dim, merges the rest: [N,C,H,W] -> [N,C*H*W] for start_dim 1.
Tensor flatten(const Tensor& x, int64_t start_dim = 1);

// ---- softmax family (over the last dimension of a 2-D [rows, classes] tensor) ----
Tensor softmax(const Tensor& x);
Tensor log_softmax(const Tensor& x);
// Mean over the batch of -log softmax(logits)[label]: logits [N, classes], labels are class
// indices 0 <= label < classes (validated on the host; a bad label is a cnn::Error naming it).
Tensor cross_entropy(const Tensor& logits, const std::vector<int32_t>& labels);

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
