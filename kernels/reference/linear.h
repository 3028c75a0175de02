// Reference linear layer (y = x w^T + b) and its backward, templated over the scalar type (float
// for ops.h, double for gradient checks; the output type may differ from the input type). Plain
// triple loops with double accumulators.
#pragma once

#include <cstdint>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

// requires: s.valid(); x [M,K], w [N,K], bias [N] or null, y [M,N].
template <typename T, typename Out = T>
void linear_forward(const LinearShape& s, const T* x, const T* w, const T* bias, Out* y) {
  for (int m = 0; m < s.M; ++m)
    for (int n = 0; n < s.N; ++n) {
      const T* xr = x + int64_t(m) * s.K;
      const T* wr = w + int64_t(n) * s.K;
      double acc = bias ? double(bias[n]) : 0.0;
      for (int k = 0; k < s.K; ++k) acc += double(xr[k]) * double(wr[k]);
      y[int64_t(m) * s.N + n] = Out(acc);
    }
}

// dx[M,K] = dy[M,N] w[N,K]
template <typename T, typename Out = T>
void linear_backward_data(const LinearShape& s, const T* dy, const T* w, Out* dx) {
  for (int m = 0; m < s.M; ++m)
    for (int k = 0; k < s.K; ++k) {
      double acc = 0.0;
      for (int n = 0; n < s.N; ++n)
        acc += double(dy[int64_t(m) * s.N + n]) * double(w[int64_t(n) * s.K + k]);
      dx[int64_t(m) * s.K + k] = Out(acc);
    }
}

// dw[N,K] = dy[M,N]^T x[M,K]
template <typename T, typename Out = T>
void linear_backward_weight(const LinearShape& s, const T* dy, const T* x, Out* dw) {
  for (int n = 0; n < s.N; ++n)
    for (int k = 0; k < s.K; ++k) {
      double acc = 0.0;
      for (int m = 0; m < s.M; ++m)
        acc += double(dy[int64_t(m) * s.N + n]) * double(x[int64_t(m) * s.K + k]);
      dw[int64_t(n) * s.K + k] = Out(acc);
    }
}

// db[N] = sum_m dy[m,n]
template <typename T, typename Out = T>
void linear_backward_bias(const LinearShape& s, const T* dy, Out* db) {
  for (int n = 0; n < s.N; ++n) {
    double acc = 0.0;
    for (int m = 0; m < s.M; ++m) acc += double(dy[int64_t(m) * s.N + n]);
    db[n] = Out(acc);
  }
}

}  // namespace cnn::kernels::reference::generic
