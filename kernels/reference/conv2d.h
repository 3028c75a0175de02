// Reference conv2d, forward and backward, as templates over the scalar type: float for the public
// API (ops.h), double for finite-difference gradient checks. Every sum runs in double. The output
// type may differ from the input type (tests read float inputs and keep double results).
//
// Direct loops, no im2col: each output is the formula in kernels/host_ops.inc written out.
// backward_data scatters from every output position into a double buffer instead of inverting
// the stride/pad arithmetic - slower, but it is the forward's adjoint by construction.
// Groups: filter k reads input channels c = g*Cg + cg (g = k / Kg, cg < Cg) through w[k, cg, r, s].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

namespace conv2d_detail {
inline int64_t x_index(const Conv2dShape& s, int n, int c, int h, int w) {
  return ((int64_t(n) * s.C + c) * s.H + h) * s.W + w;
}
// c is the channel within the filter's group (0 <= c < C/groups).
inline int64_t w_index(const Conv2dShape& s, int k, int c, int r, int q) {
  return ((int64_t(k) * s.group_channels() + c) * s.R + r) * s.S + q;
}
// First input channel seen by filter k.
inline int first_channel(const Conv2dShape& s, int k) {
  return k / s.group_filters() * s.group_channels();
}
inline int64_t y_index(const Conv2dShape& s, int n, int k, int p, int q) {
  return ((int64_t(n) * s.K + k) * s.P() + p) * s.Q() + q;
}
}  // namespace conv2d_detail

// requires: s.valid(); x [N,C,H,W], w [K,C/groups,R,S], bias [K] or null, y [N,K,P,Q].
template <typename T, typename Out = T>
void conv2d_forward(const Conv2dShape& s, const T* x, const T* w, const T* bias, Out* y) {
  using namespace conv2d_detail;
  const int P = s.P(), Q = s.Q();
  for (int n = 0; n < s.N; ++n)
    for (int k = 0; k < s.K; ++k)
      for (int p = 0; p < P; ++p)
        for (int q = 0; q < Q; ++q) {
          double acc = bias ? double(bias[k]) : 0.0;
          for (int c = 0; c < s.group_channels(); ++c)
            for (int r = 0; r < s.R; ++r) {
              const int h = p * s.stride_h - s.pad_h + r;
              if (h < 0 || h >= s.H) continue;
              for (int t = 0; t < s.S; ++t) {
                const int wi = q * s.stride_w - s.pad_w + t;
                if (wi < 0 || wi >= s.W) continue;
                acc += double(x[x_index(s, n, first_channel(s, k) + c, h, wi)]) *
                       double(w[w_index(s, k, c, r, t)]);
              }
            }
          y[y_index(s, n, k, p, q)] = Out(acc);
        }
}

// dx = d(loss)/dx given dy; input positions no window touches get exactly 0.
template <typename T, typename Out = T>
void conv2d_backward_data(const Conv2dShape& s, const T* dy, const T* w, Out* dx) {
  using namespace conv2d_detail;
  const int P = s.P(), Q = s.Q();
  std::vector<double> acc(std::size_t(s.input_size()), 0.0);
  for (int n = 0; n < s.N; ++n)
    for (int k = 0; k < s.K; ++k)
      for (int p = 0; p < P; ++p)
        for (int q = 0; q < Q; ++q) {
          const double g = double(dy[y_index(s, n, k, p, q)]);
          for (int c = 0; c < s.group_channels(); ++c)
            for (int r = 0; r < s.R; ++r) {
              const int h = p * s.stride_h - s.pad_h + r;
              if (h < 0 || h >= s.H) continue;
              for (int t = 0; t < s.S; ++t) {
                const int wi = q * s.stride_w - s.pad_w + t;
                if (wi < 0 || wi >= s.W) continue;
                acc[std::size_t(x_index(s, n, first_channel(s, k) + c, h, wi))] +=
                    g * double(w[w_index(s, k, c, r, t)]);
              }
            }
        }
  for (std::size_t i = 0; i < acc.size(); ++i) dx[i] = Out(acc[i]);
}

// dw[k,c,r,s] = sum_{n,p,q} dy[n,k,p,q] * x[n,c0+c,p*sh-ph+r,q*sw-pw+s] (padding contributes 0),
// c0 = the first channel of k's group.
template <typename T, typename Out = T>
void conv2d_backward_weight(const Conv2dShape& s, const T* x, const T* dy, Out* dw) {
  using namespace conv2d_detail;
  const int P = s.P(), Q = s.Q();
  for (int k = 0; k < s.K; ++k)
    for (int c = 0; c < s.group_channels(); ++c)
      for (int r = 0; r < s.R; ++r)
        for (int t = 0; t < s.S; ++t) {
          double acc = 0.0;
          for (int n = 0; n < s.N; ++n)
            for (int p = 0; p < P; ++p) {
              const int h = p * s.stride_h - s.pad_h + r;
              if (h < 0 || h >= s.H) continue;
              for (int q = 0; q < Q; ++q) {
                const int wi = q * s.stride_w - s.pad_w + t;
                if (wi < 0 || wi >= s.W) continue;
                acc += double(dy[y_index(s, n, k, p, q)]) *
                       double(x[x_index(s, n, first_channel(s, k) + c, h, wi)]);
              }
            }
          dw[w_index(s, k, c, r, t)] = Out(acc);
        }
}

template <typename T, typename Out = T>
void conv2d_backward_bias(const Conv2dShape& s, const T* dy, Out* db) {
  using namespace conv2d_detail;
  const int P = s.P(), Q = s.Q();
  for (int k = 0; k < s.K; ++k) {
    double acc = 0.0;
    for (int n = 0; n < s.N; ++n)
      for (int p = 0; p < P; ++p)
        for (int q = 0; q < Q; ++q) acc += double(dy[y_index(s, n, k, p, q)]);
    db[k] = Out(acc);
  }
}

}  // namespace cnn::kernels::reference::generic
