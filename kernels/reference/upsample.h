// Reference nearest-neighbour upsampling by an integer factor and the strided block copy that
// concat/narrow are built on, templated over the scalar type. The upsample backward sums each
// output block in double; it is the forward's adjoint written as a gather (one dx per block).
#pragma once

#include <cstdint>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

// requires: s.valid(); x [N,C,H,W], y [N,C,H*scale,W*scale]. y[n,c,p,q] = x[n,c,p/scale,q/scale].
template <typename T, typename Out = T>
void upsample_nearest2d_forward(const UpsampleShape& s, const T* x, Out* y) {
  const int P = s.P(), Q = s.Q();
  for (int64_t plane = 0; plane < int64_t(s.N) * s.C; ++plane)
    for (int p = 0; p < P; ++p)
      for (int q = 0; q < Q; ++q)
        y[(plane * P + p) * Q + q] = Out(x[(plane * s.H + p / s.scale) * s.W + q / s.scale]);
}

// dx[n,c,h,w] = sum_{i,j < scale} dy[n,c,h*scale+i,w*scale+j].
template <typename T, typename Out = T>
void upsample_nearest2d_backward(const UpsampleShape& s, const T* dy, Out* dx) {
  const int P = s.P(), Q = s.Q();
  for (int64_t plane = 0; plane < int64_t(s.N) * s.C; ++plane)
    for (int h = 0; h < s.H; ++h)
      for (int w = 0; w < s.W; ++w) {
        double acc = 0.0;
        for (int i = 0; i < s.scale; ++i)
          for (int j = 0; j < s.scale; ++j)
            acc += double(dy[(plane * P + h * s.scale + i) * Q + w * s.scale + j]);
        dx[(plane * s.H + h) * s.W + w] = Out(acc);
      }
}

// dst[r*dst_ld + c] = src[r*src_ld + c] for r < rows, c < cols; elements of dst outside the block
// are not touched. requires: cols <= src_ld, cols <= dst_ld, no overlap between src and dst.
template <typename T, typename Out = T>
void copy_2d(int64_t rows, int64_t cols, const T* src, int64_t src_ld, Out* dst, int64_t dst_ld) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) dst[r * dst_ld + c] = Out(src[r * src_ld + c]);
}

}  // namespace cnn::kernels::reference::generic
