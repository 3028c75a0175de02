// Reference max_pool2d (kernel, stride, padding, dilation), templated over the scalar type.
//
// Padding counts as -infinity, so only in-bounds elements are candidates. The first in-bounds
// element of the window (row-major) is the starting candidate and later ones replace it only when
// strictly greater, so ties pick the first (PyTorch's rule); a NaN wins and stays, so NaN
// propagates as in PyTorch. argmax is h*W + w inside the (n, c) plane. Extra end padding
// (extra_pad_h_end/extra_pad_w_end, TF 'same') enters only through P()/Q(): its taps are out of
// bounds and skipped like any other padding.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

// requires: s.valid(); x [N,C,H,W]; y and argmax [N,C,P,Q].
// A window with no in-bounds element (impossible for a valid shape) gives y = -inf, argmax = -1.
template <typename T, typename Out = T>
void max_pool2d_forward(const MaxPool2dShape& s, const T* x, Out* y, int32_t* argmax) {
  const int P = s.P(), Q = s.Q();
  for (int64_t plane = 0; plane < int64_t(s.N) * s.C; ++plane) {
    const T* xp = x + plane * s.H * s.W;
    for (int p = 0; p < P; ++p)
      for (int q = 0; q < Q; ++q) {
        T best = -std::numeric_limits<T>::infinity();
        int32_t best_index = -1;
        for (int i = 0; i < s.kernel_h; ++i) {
          const int h = p * s.stride_h - s.pad_h + i * s.dilation_h;
          if (h < 0 || h >= s.H) continue;
          for (int j = 0; j < s.kernel_w; ++j) {
            const int w = q * s.stride_w - s.pad_w + j * s.dilation_w;
            if (w < 0 || w >= s.W) continue;
            const T v = xp[h * s.W + w];
            const bool best_is_nan = best_index >= 0 && std::isnan(best);
            if (best_index < 0 || (!best_is_nan && (v > best || std::isnan(v)))) {
              best = v;
              best_index = h * s.W + w;
            }
          }
        }
        const int64_t o = (plane * P + p) * Q + q;
        y[o] = Out(best);
        argmax[o] = best_index;
      }
  }
}

// dx = 0, then dx[argmax] += dy for every output (overlapping windows accumulate, in double).
template <typename T, typename Out = T>
void max_pool2d_backward(const MaxPool2dShape& s, const T* dy, const int32_t* argmax, Out* dx) {
  const int64_t plane_in = int64_t(s.H) * s.W, plane_out = int64_t(s.P()) * s.Q();
  std::vector<double> acc(std::size_t(s.input_size()), 0.0);
  for (int64_t plane = 0; plane < int64_t(s.N) * s.C; ++plane)
    for (int64_t o = 0; o < plane_out; ++o) {
      const int32_t a = argmax[plane * plane_out + o];
      if (a >= 0) acc[std::size_t(plane * plane_in + a)] += double(dy[plane * plane_out + o]);
    }
  for (std::size_t i = 0; i < acc.size(); ++i) dx[i] = Out(acc[i]);
}

}  // namespace cnn::kernels::reference::generic
