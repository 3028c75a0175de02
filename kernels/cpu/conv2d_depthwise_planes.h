// The per-plane loops of the depthwise conv2d (see conv2d_depthwise.h), written once and compiled
// by three files with different ISA flags (conv2d_depthwise.cpp: portable,
// conv2d_depthwise_avx2.cpp, conv2d_depthwise_avx512.cpp). Each includer defines
// CNN_DEPTHWISE_ISA, the namespace that keeps the three copies apart (same code, different
// flags: one shared inline definition would be an ODR violation).
//
// Everything is vectorised along the output row (q) with `omp simd`: a plane row of 13..416
// floats stays in L1 while every tap of the filter passes over it. For stride 1 and a filter
// width known at compile time (1, 3, 5), the taps of one filter row are fused into a single pass
// over the interior columns (all taps in bounds), so a 3x3 filter costs 3 read-modify-write passes
// over the output row instead of 9; the few border columns take a scalar bounds-checked loop.
// For 3x3 stride 1 (MobileNet-style blocks, TinyFaceDetector) every output row with all three
// input rows in bounds is written once with all nine taps, without the bias fill and the
// read-modify-write passes (same summation order as those passes, so the same bits).
// Backward-data with stride 1 is the same loop on dy with the filter flipped (the transposed
// convolution of a stride-1 conv is a correlation with padding R-1-ph); other strides scatter.
// Every sum is taken in a fixed order, so results are bit-identical from run to run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/cpu/conv2d_depthwise.h"

#ifndef CNN_DEPTHWISE_ISA
#error "define CNN_DEPTHWISE_ISA (the namespace of this instruction set's copy) first"
#endif

namespace cnn::kernels::cpu::CNN_DEPTHWISE_ISA {
namespace {

// Output columns q in [lo, hi) read an in-bounds input column q*sw - pw + t.
struct ColumnRange {
  int lo, hi;
};

ColumnRange valid_columns(int W, int Q, int stride_w, int pad_w, int t) {
  const int shift = pad_w - t;  // input column = q*sw - shift
  const int lo = shift <= 0 ? 0 : (shift + stride_w - 1) / stride_w;
  const int hi = (W + shift + stride_w - 1) / stride_w;
  const int lo_c = std::min(lo, Q);
  return {lo_c, std::max(std::min(hi, Q), lo_c)};
}

// y[q] += sum_t w[t] * x[q*sw - pw + t] for q in [0, Q), taps outside [0, W) skipped.
// kS: the filter width when known at compile time (stride 1 only), 0 for the generic loop.
template <int kS>
void accumulate_row(int W, int Q, int S, int stride_w, int pad_w, const float* x, const float* w,
                    float* y) {
  if constexpr (kS > 0) {
    // Interior [lo, hi): every tap in bounds (tap 0 has the latest start, tap S-1 the earliest
    // end).
    const int lo = valid_columns(W, Q, 1, pad_w, 0).lo;
    const int hi = std::max(lo, valid_columns(W, Q, 1, pad_w, kS - 1).hi);
    float taps[kS];
    for (int t = 0; t < kS; ++t) taps[t] = w[t];
    auto border = [&](int q) {
      float acc = y[q];
      for (int t = 0; t < kS; ++t) {
        const int col = q - pad_w + t;
        if (col >= 0 && col < W) acc += taps[t] * x[col];
      }
      y[q] = acc;
    };
    for (int q = 0; q < lo; ++q) border(q);
#pragma omp simd
    for (int q = lo; q < hi; ++q) {
      float acc = y[q];
      for (int t = 0; t < kS; ++t) acc += taps[t] * x[q - pad_w + t];
      y[q] = acc;
    }
    for (int q = hi; q < Q; ++q) border(q);
  } else {
    for (int t = 0; t < S; ++t) {
      const ColumnRange v = valid_columns(W, Q, stride_w, pad_w, t);
      const float wt = w[t];
      const int col0 = -pad_w + t;
      if (stride_w == 1) {
#pragma omp simd
        for (int q = v.lo; q < v.hi; ++q) y[q] += wt * x[q + col0];
      } else {
        for (int q = v.lo; q < v.hi; ++q) y[q] += wt * x[q * stride_w + col0];
      }
    }
  }
}

// y[P,Q] += correlation of the [H,W] plane x with the [R,S] filter w (stride, padding of s).
void accumulate_plane(const Conv2dShape& s, const float* x, const float* w, float* y) {
  const int P = s.P(), Q = s.Q();
  const bool unit = s.stride_w == 1;
  for (int p = 0; p < P; ++p) {
    float* yrow = y + int64_t(p) * Q;
    for (int r = 0; r < s.R; ++r) {
      const int h = p * s.stride_h - s.pad_h + r;
      if (h < 0 || h >= s.H) continue;
      const float* xrow = x + int64_t(h) * s.W;
      const float* wr = w + r * s.S;
      if (unit && s.S == 3)
        accumulate_row<3>(s.W, Q, 3, 1, s.pad_w, xrow, wr, yrow);
      else if (unit && s.S == 5)
        accumulate_row<5>(s.W, Q, 5, 1, s.pad_w, xrow, wr, yrow);
      else if (unit && s.S == 1)
        accumulate_row<1>(s.W, Q, 1, 1, s.pad_w, xrow, wr, yrow);
      else
        accumulate_row<0>(s.W, Q, s.S, s.stride_w, s.pad_w, xrow, wr, yrow);
    }
  }
}

// One output row of a kR x kS stride-1 filter whose kR input rows are all inside the plane,
// written once: yrow[q] = bias + sum_{r,t} w[r,t] * rows[r][q - pw + t], summed in the same
// (r, t) order as the accumulate_row passes, so the result does not depend on which loop ran.
template <int kR, int kS>
void fused_row(int W, int Q, int pad_w, const float* const* rows, const float* taps, float bias,
               float* yrow) {
  const int lo = valid_columns(W, Q, 1, pad_w, 0).lo;
  const int hi = std::max(lo, valid_columns(W, Q, 1, pad_w, kS - 1).hi);
  auto border = [&](int q) {
    float acc = bias;
    for (int r = 0; r < kR; ++r)
      for (int t = 0; t < kS; ++t) {
        const int col = q - pad_w + t;
        if (col >= 0 && col < W) acc += taps[r * kS + t] * rows[r][col];
      }
    yrow[q] = acc;
  };
  for (int q = 0; q < lo; ++q) border(q);
  const float* x0 = rows[0] - pad_w;
  const float* x1 = rows[kR > 1 ? 1 : 0] - pad_w;
  const float* x2 = rows[kR > 2 ? 2 : 0] - pad_w;
#pragma omp simd
  for (int q = lo; q < hi; ++q) {
    float acc = bias;
    for (int t = 0; t < kS; ++t) acc += taps[t] * x0[q + t];
    if constexpr (kR > 1)
      for (int t = 0; t < kS; ++t) acc += taps[kS + t] * x1[q + t];
    if constexpr (kR > 2)
      for (int t = 0; t < kS; ++t) acc += taps[2 * kS + t] * x2[q + t];
    yrow[q] = acc;
  }
  for (int q = hi; q < Q; ++q) border(q);
}

// Stride 1, 3x3: every output row whose three input rows are in bounds is written in one pass
// (instead of a bias fill and three read-modify-write passes); the first and last rows, which
// lose a filter row to the padding, take the per-row passes.
void forward_plane_3x3_unit(const Conv2dShape& s, const float* x, const float* w, float bias,
                            float* y) {
  const int P = s.P(), Q = s.Q();
  float taps[9];
  for (int i = 0; i < 9; ++i) taps[i] = w[i];
  for (int p = 0; p < P; ++p) {
    float* yrow = y + int64_t(p) * Q;
    const int h0 = p - s.pad_h;
    if (h0 >= 0 && h0 + 2 < s.H) {
      const float* rows[3] = {x + int64_t(h0) * s.W, x + int64_t(h0 + 1) * s.W,
                              x + int64_t(h0 + 2) * s.W};
      fused_row<3, 3>(s.W, Q, s.pad_w, rows, taps, bias, yrow);
      continue;
    }
    std::fill(yrow, yrow + Q, bias);
    for (int r = 0; r < 3; ++r) {
      const int h = h0 + r;
      if (h < 0 || h >= s.H) continue;
      accumulate_row<3>(s.W, Q, 3, 1, s.pad_w, x + int64_t(h) * s.W, taps + 3 * r, yrow);
    }
  }
}

void forward_plane(const Conv2dShape& s, const float* x, const float* w, float bias, float* y) {
  if (s.stride_h == 1 && s.stride_w == 1 && s.R == 3 && s.S == 3) {
    forward_plane_3x3_unit(s, x, w, bias, y);
    return;
  }
  const int64_t PQ = int64_t(s.P()) * s.Q();
  std::fill(y, y + PQ, bias);
  accumulate_plane(s, x, w, y);
}

// Stride 1 with pad <= kernel - 1: dx is dy correlated with the flipped filter, padded by
// (R-1-ph, S-1-pw); that shape's output is exactly [H, W].
bool backward_data_as_correlation(const Conv2dShape& s) {
  return s.stride_h == 1 && s.stride_w == 1 && s.pad_h <= s.R - 1 && s.pad_w <= s.S - 1;
}

void backward_data_plane(const Conv2dShape& s, int multiplier, const float* dy, const float* w,
                         float* dx) {
  const int P = s.P(), Q = s.Q();
  const int64_t PQ = int64_t(P) * Q, RS = int64_t(s.R) * s.S;
  if (backward_data_as_correlation(s)) {
    Conv2dShape t = s;
    t.H = P, t.W = Q, t.pad_h = s.R - 1 - s.pad_h, t.pad_w = s.S - 1 - s.pad_w;
    constexpr int kMaxTaps = 64;
    if (RS <= kMaxTaps) {
      float flipped[kMaxTaps];
      for (int m = 0; m < multiplier; ++m) {
        for (int64_t i = 0; i < RS; ++i) flipped[i] = w[m * RS + RS - 1 - i];
        // The first filter writes dx (the forward's single-pass rows, zero bias), the others add.
        if (m == 0)
          forward_plane(t, dy, flipped, 0.f, dx);
        else
          accumulate_plane(t, dy + m * PQ, flipped, dx);
      }
      return;
    }
  }
  std::memset(dx, 0, sizeof(float) * size_t(s.H) * size_t(s.W));
  // Scatter: every dy element adds into the R x S input window it was computed from.
  for (int m = 0; m < multiplier; ++m)
    for (int p = 0; p < P; ++p) {
      const float* dyrow = dy + m * PQ + int64_t(p) * Q;
      for (int r = 0; r < s.R; ++r) {
        const int h = p * s.stride_h - s.pad_h + r;
        if (h < 0 || h >= s.H) continue;
        float* dxrow = dx + int64_t(h) * s.W;
        for (int t = 0; t < s.S; ++t) {
          const ColumnRange v = valid_columns(s.W, Q, s.stride_w, s.pad_w, t);
          const float wt = w[m * RS + r * s.S + t];
          const int col0 = -s.pad_w + t;
          if (s.stride_w == 1) {
#pragma omp simd
            for (int q = v.lo; q < v.hi; ++q) dxrow[q + col0] += wt * dyrow[q];
          } else {
            for (int q = v.lo; q < v.hi; ++q) dxrow[q * s.stride_w + col0] += wt * dyrow[q];
          }
        }
      }
    }
}

// sums[t] = sum over q of dy[q] * x[q - pw + t] for the kS taps of one filter row (stride 1),
// in one pass over dy; taps out of bounds contribute nothing.
template <int kS>
void correlate_row(int W, int Q, int pad_w, const float* x, const float* dy, float* sums) {
  const int lo = valid_columns(W, Q, 1, pad_w, 0).lo;
  const int hi = std::max(lo, valid_columns(W, Q, 1, pad_w, kS - 1).hi);
  float acc[kS] = {};
  for (int q = 0; q < lo; ++q)
    for (int t = 0; t < kS; ++t) {
      const int col = q - pad_w + t;
      if (col >= 0 && col < W) acc[t] += dy[q] * x[col];
    }
  float inner[kS] = {};
#pragma omp simd reduction(+ : inner[:kS])
  for (int q = lo; q < hi; ++q)
    for (int t = 0; t < kS; ++t) inner[t] += dy[q] * x[q - pad_w + t];
  for (int q = hi; q < Q; ++q)
    for (int t = 0; t < kS; ++t) {
      const int col = q - pad_w + t;
      if (col >= 0 && col < W) acc[t] += dy[q] * x[col];
    }
  for (int t = 0; t < kS; ++t) sums[t] = acc[t] + inner[t];
}

void backward_weight_plane(const Conv2dShape& s, const float* x, const float* dy, double* acc) {
  const int P = s.P(), Q = s.Q();
  for (int p = 0; p < P; ++p) {
    const float* dyrow = dy + int64_t(p) * Q;
    for (int r = 0; r < s.R; ++r) {
      const int h = p * s.stride_h - s.pad_h + r;
      if (h < 0 || h >= s.H) continue;
      const float* xrow = x + int64_t(h) * s.W;
      double* accr = acc + r * s.S;
      if (s.stride_w == 1 && s.S == 3) {
        float sums[3];
        correlate_row<3>(s.W, Q, s.pad_w, xrow, dyrow, sums);
        for (int t = 0; t < 3; ++t) accr[t] += double(sums[t]);
        continue;
      }
      for (int t = 0; t < s.S; ++t) {
        const ColumnRange v = valid_columns(s.W, Q, s.stride_w, s.pad_w, t);
        const int col0 = -s.pad_w + t;
        float sum = 0.f;
        if (s.stride_w == 1) {
#pragma omp simd reduction(+ : sum)
          for (int q = v.lo; q < v.hi; ++q) sum += dyrow[q] * xrow[q + col0];
        } else {
          for (int q = v.lo; q < v.hi; ++q) sum += dyrow[q] * xrow[q * s.stride_w + col0];
        }
        accr[t] += double(sum);
      }
    }
  }
}

}  // namespace

const DepthwisePlaneKernels& plane_kernels() {
  static const DepthwisePlaneKernels kernels{forward_plane, backward_data_plane,
                                             backward_weight_plane};
  return kernels;
}

}  // namespace cnn::kernels::cpu::CNN_DEPTHWISE_ISA
