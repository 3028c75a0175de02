// Reference leaky_relu, clamp (hardtanh; relu6 is clamp(0, 6)), sigmoid and binary cross-entropy
// with logits, templated over the scalar type and computed in double.
//
// Rules copied from PyTorch, since the fast kernels and the autograd ops are tested against them:
//   - leaky_relu: the gradient at exactly 0 is the slope (PyTorch's `x > 0 ? dy : dy * slope`).
//   - clamp: gradient 1 strictly inside (lo, hi) and 0 at and beyond the bounds
//     (hardtanh_backward's `x <= lo || x >= hi ? 0 : dy`).
//   - NaN inputs propagate through every forward here (as ReLU's does): a NaN upstream must not
//     become a finite number and hide the bug.
//   - sigmoid and the BCE loss use exp(-|x|) only, which never overflows, so |x| = 1e30 gives
//     exact 0/1 and a finite loss instead of inf/NaN.
#pragma once

#include <cmath>
#include <cstdint>

namespace cnn::kernels::reference::generic {

// y = x > 0 ? x : slope * x. y may alias x.
template <typename T, typename Out = T>
void leaky_relu_forward(int64_t n, double slope, const T* x, Out* y) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = double(x[i]);
    y[i] = Out(v > 0.0 ? v : slope * v);  // NaN fails `> 0` and stays NaN through the product
  }
}

// dx = x > 0 ? dy : slope * dy. dx may alias dy.
template <typename T, typename Out = T>
void leaky_relu_backward(int64_t n, double slope, const T* x, const T* dy, Out* dx) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = Out(double(x[i]) > 0.0 ? double(dy[i]) : slope * double(dy[i]));
}

// requires: lo <= hi. y = min(max(x, lo), hi); NaN stays NaN. y may alias x.
template <typename T, typename Out = T>
void clamp_forward(int64_t n, double lo, double hi, const T* x, Out* y) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = double(x[i]);
    y[i] = Out(v < lo ? lo : v > hi ? hi : v);
  }
}

// dx = dy where lo < x < hi, else 0. dx may alias dy.
template <typename T, typename Out = T>
void clamp_backward(int64_t n, double lo, double hi, const T* x, const T* dy, Out* dx) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = double(x[i]);
    dx[i] = Out(v <= lo || v >= hi ? 0.0 : double(dy[i]));
  }
}

// 1 / (1 + exp(-x)) written with e = exp(-|x|) <= 1.
inline double stable_sigmoid(double x) {
  const double e = std::exp(-std::fabs(x));
  return x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

// y = sigmoid(x). y may alias x.
template <typename T, typename Out = T>
void sigmoid_forward(int64_t n, const T* x, Out* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = Out(stable_sigmoid(double(x[i])));
}

// dx = dy * y * (1 - y), y being the forward's output. dx may alias dy.
template <typename T, typename Out = T>
void sigmoid_backward(int64_t n, const T* y, const T* dy, Out* dx) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = double(y[i]);
    dx[i] = Out(double(dy[i]) * v * (1.0 - v));
  }
}

// loss_i = w_i * (max(x_i, 0) - x_i * t_i + log1p(exp(-|x_i|))); weights may be null (all 1).
template <typename T, typename Out = T>
void bce_with_logits_forward(int64_t n, const T* logits, const T* targets, const T* weights,
                             Out* loss) {
  for (int64_t i = 0; i < n; ++i) {
    const double x = double(logits[i]), t = double(targets[i]);
    const double l = (x > 0.0 ? x : 0.0) - x * t + std::log1p(std::exp(-std::fabs(x)));
    loss[i] = Out(weights ? double(weights[i]) * l : l);
  }
}

// dlogits_i = scale * dloss[per_element_dloss ? i : 0] * w_i * (sigmoid(x_i) - t_i).
template <typename T, typename Out = T>
void bce_with_logits_backward(int64_t n, const T* logits, const T* targets, const T* weights,
                              const T* dloss, bool per_element_dloss, double scale, Out* dlogits) {
  for (int64_t i = 0; i < n; ++i) {
    const double g = scale * double(dloss[per_element_dloss ? i : 0]);
    const double w = weights ? double(weights[i]) : 1.0;
    dlogits[i] = Out(g * w * (stable_sigmoid(double(logits[i])) - double(targets[i])));
  }
}

}  // namespace cnn::kernels::reference::generic
