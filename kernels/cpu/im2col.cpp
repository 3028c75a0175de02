// im2col / col2im over a band of output rows (see im2col.h). For every (c, r, s) and output row the
// valid q range is computed once, so the inner loops are branch-free: a memcpy-like copy when the
// stride is 1, a strided gather otherwise, and explicit zero fills for the padding.
#include "kernels/cpu/im2col.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace cnn::kernels::cpu {

namespace {

// Output columns q in [lo, hi) read an in-bounds input column w = q*sw - pw + s_offset.
struct ValidRange {
  int lo, hi;
};

ValidRange valid_q_range(const Conv2dShape& s, int s_offset) {
  const int Q = s.Q(), shift = s.pad_w - s_offset;  // w = q*sw - shift
  // smallest q with q*sw >= shift, and smallest q with q*sw - shift >= W
  const int lo = shift <= 0 ? 0 : (shift + s.stride_w - 1) / s.stride_w;
  const int hi = (s.W + shift + s.stride_w - 1) / s.stride_w;
  return {std::min(lo, Q), std::max(std::min(hi, Q), std::min(lo, Q))};
}

}  // namespace

void im2col_rows(const Conv2dShape& s, const float* x, int p0, int p1, float* col) {
  const int Q = s.Q();
  const int64_t cols = int64_t(p1 - p0) * Q;
  for (int c = 0; c < s.C; ++c)
    for (int r = 0; r < s.R; ++r)
      for (int so = 0; so < s.S; ++so) {
        float* dst = col + (int64_t(c * s.R + r) * s.S + so) * cols;
        const ValidRange v = valid_q_range(s, so);
        const int w_of_lo = v.lo * s.stride_w - s.pad_w + so;
        for (int p = p0; p < p1; ++p, dst += Q) {
          const int h = p * s.stride_h - s.pad_h + r;
          if (h < 0 || h >= s.H) {
            std::memset(dst, 0, sizeof(float) * size_t(Q));
            continue;
          }
          const float* src = x + (int64_t(c) * s.H + h) * s.W + w_of_lo;
          for (int q = 0; q < v.lo; ++q) dst[q] = 0.f;
          if (s.stride_w == 1)
            std::memcpy(dst + v.lo, src, sizeof(float) * size_t(v.hi - v.lo));
          else
            for (int q = v.lo; q < v.hi; ++q) dst[q] = src[(q - v.lo) * s.stride_w];
          for (int q = v.hi; q < Q; ++q) dst[q] = 0.f;
        }
      }
}

void col2im_rows_add(const Conv2dShape& s, const float* col, int p0, int p1, float* dx) {
  const int Q = s.Q();
  const int64_t cols = int64_t(p1 - p0) * Q;
  for (int c = 0; c < s.C; ++c)
    for (int r = 0; r < s.R; ++r)
      for (int so = 0; so < s.S; ++so) {
        const float* src = col + (int64_t(c * s.R + r) * s.S + so) * cols;
        const ValidRange v = valid_q_range(s, so);
        const int w_of_lo = v.lo * s.stride_w - s.pad_w + so;
        for (int p = p0; p < p1; ++p, src += Q) {
          const int h = p * s.stride_h - s.pad_h + r;
          if (h < 0 || h >= s.H) continue;
          float* dst = dx + (int64_t(c) * s.H + h) * s.W + w_of_lo;
          if (s.stride_w == 1) {
#pragma omp simd
            for (int q = v.lo; q < v.hi; ++q) dst[q - v.lo] += src[q];
          } else {
            for (int q = v.lo; q < v.hi; ++q) dst[(q - v.lo) * s.stride_w] += src[q];
          }
        }
      }
}

}  // namespace cnn::kernels::cpu
