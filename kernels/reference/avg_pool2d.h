// Reference avg_pool2d (kernel, stride, zero padding, count_include_pad), templated over the scalar
// type and accumulating in double.
//
// PyTorch's rule for the divisor in floor mode: kernel_h * kernel_w when count_include_pad (every
// window then lies inside the padded input, so this is also PyTorch's (hend-hstart)*(wend-wstart)),
// else the number of in-bounds elements of the window. Global average pooling (AdaptiveAvgPool2d
// with output 1) is this kernel with kernel = H x W.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

// Divisor of output (p, q): see the file comment.
inline int avg_pool2d_divisor(const AvgPool2dShape& s, int p, int q) {
  if (s.count_include_pad) return s.kernel_h * s.kernel_w;
  const int h0 = p * s.stride_h - s.pad_h, w0 = q * s.stride_w - s.pad_w;
  const int rows = (h0 + s.kernel_h < s.H ? h0 + s.kernel_h : s.H) - (h0 > 0 ? h0 : 0);
  const int cols = (w0 + s.kernel_w < s.W ? w0 + s.kernel_w : s.W) - (w0 > 0 ? w0 : 0);
  return rows * cols;
}

// requires: s.valid(); x [N,C,H,W]; y [N,C,P,Q].
template <typename T, typename Out = T>
void avg_pool2d_forward(const AvgPool2dShape& s, const T* x, Out* y) {
  const int P = s.P(), Q = s.Q();
  for (int64_t plane = 0; plane < int64_t(s.N) * s.C; ++plane) {
    const T* xp = x + plane * s.H * s.W;
    for (int p = 0; p < P; ++p)
      for (int q = 0; q < Q; ++q) {
        double sum = 0.0;
        for (int i = 0; i < s.kernel_h; ++i) {
          const int h = p * s.stride_h - s.pad_h + i;
          if (h < 0 || h >= s.H) continue;
          for (int j = 0; j < s.kernel_w; ++j) {
            const int w = q * s.stride_w - s.pad_w + j;
            if (w >= 0 && w < s.W) sum += double(xp[h * s.W + w]);
          }
        }
        y[(plane * P + p) * Q + q] = Out(sum / avg_pool2d_divisor(s, p, q));
      }
  }
}

// dx[h,w] = sum over the windows (p,q) that hold (h,w) of dy[p,q] / divisor(p,q).
template <typename T, typename Out = T>
void avg_pool2d_backward(const AvgPool2dShape& s, const T* dy, Out* dx) {
  const int P = s.P(), Q = s.Q();
  std::vector<double> acc(std::size_t(s.input_size()), 0.0);
  for (int64_t plane = 0; plane < int64_t(s.N) * s.C; ++plane) {
    double* ap = acc.data() + plane * s.H * s.W;
    for (int p = 0; p < P; ++p)
      for (int q = 0; q < Q; ++q) {
        const double g = double(dy[(plane * P + p) * Q + q]) / avg_pool2d_divisor(s, p, q);
        for (int i = 0; i < s.kernel_h; ++i) {
          const int h = p * s.stride_h - s.pad_h + i;
          if (h < 0 || h >= s.H) continue;
          for (int j = 0; j < s.kernel_w; ++j) {
            const int w = q * s.stride_w - s.pad_w + j;
            if (w >= 0 && w < s.W) ap[h * s.W + w] += g;
          }
        }
      }
  }
  for (std::size_t i = 0; i < acc.size(); ++i) dx[i] = Out(acc[i]);
}

}  // namespace cnn::kernels::reference::generic
