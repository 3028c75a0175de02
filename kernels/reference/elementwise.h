// Reference elementwise and reduction helpers (fill, axpy, scale, add, mul, sum_axis,
// sum_squares, dropout), templated over the scalar type; reductions accumulate in double.
#pragma once

#include <cstdint>

#include "kernels/random_hash.h"

namespace cnn::kernels::reference::generic {

template <typename T>
void fill(int64_t n, T value, T* x) {
  for (int64_t i = 0; i < n; ++i) x[i] = value;
}

// y += alpha * x
template <typename T>
void axpy(int64_t n, T alpha, const T* x, T* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = T(double(y[i]) + double(alpha) * double(x[i]));
}

// x *= alpha
template <typename T>
void scale(int64_t n, T alpha, T* x) {
  for (int64_t i = 0; i < n; ++i) x[i] = T(double(x[i]) * double(alpha));
}

// out may alias a or b.
template <typename T>
void add(int64_t n, const T* a, const T* b, T* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = T(double(a[i]) + double(b[i]));
}

// out may alias a or b.
template <typename T>
void mul(int64_t n, const T* a, const T* b, T* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = T(double(a[i]) * double(b[i]));
}

// y[o,i] = sum_a x[o,a,i] for x viewed as [outer, axis, inner].
template <typename T, typename Out = T>
void sum_axis(int64_t outer, int64_t axis, int64_t inner, const T* x, Out* y) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double acc = 0.0;
      for (int64_t a = 0; a < axis; ++a) acc += double(x[(o * axis + a) * inner + i]);
      y[o * inner + i] = Out(acc);
    }
}

// out[0] = sum_i x_i^2
template <typename T, typename Out = T>
void sum_squares(int64_t n, const T* x, Out* out) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc += double(x[i]) * double(x[i]);
  out[0] = Out(acc);
}

// mask_i = uniform01(seed, i) >= p ? 1/(1-p) : 0; y = x * mask. The scale is computed in float,
// as every backend can, so the mask values are bit-identical across backends. p == 1 drops all
// (uniform01 < 1), never producing 0 * inf.
template <typename T>
void dropout_forward(int64_t n, float p, uint64_t seed, const T* x, T* y, T* mask) {
  const float keep_scale = p < 1.f ? 1.f / (1.f - p) : 0.f;
  for (int64_t i = 0; i < n; ++i) {
    const bool keep = uniform01(seed, uint64_t(i)) >= p;
    mask[i] = keep ? T(keep_scale) : T(0);
    y[i] = T(double(x[i]) * double(mask[i]));
  }
}

}  // namespace cnn::kernels::reference::generic
