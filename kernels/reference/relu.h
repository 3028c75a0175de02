// Reference ReLU, templated over the scalar type (input and output may differ). The kink at 0 has
// gradient 0 (PyTorch's choice). NaN inputs propagate: `x > 0 ? x : 0` would turn NaN into 0 and
// hide a bug upstream.
#pragma once

#include <cmath>
#include <cstdint>

namespace cnn::kernels::reference::generic {

// y may alias x.
template <typename T, typename Out = T>
void relu_forward(int64_t n, const T* x, Out* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = Out(std::isnan(x[i]) ? x[i] : (x[i] > T(0) ? x[i] : T(0)));
}

// dx = dy where x > 0, else 0. dx may alias dy.
template <typename T, typename Out = T>
void relu_backward(int64_t n, const T* x, const T* dy, Out* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] = Out(x[i] > T(0) ? dy[i] : T(0));
}

}  // namespace cnn::kernels::reference::generic
