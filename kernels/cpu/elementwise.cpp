// Elementwise and reduction helpers of the core on the CPU (fill, axpy, scale, add, mul, sum_axis,
// sum_squares, dropout). Loops are written so the compiler vectorises them; reductions accumulate
// in double so long sums (82M gradient elements for clipping) keep their precision.
#include <cmath>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"
#include "kernels/random_hash.h"

namespace cnn::kernels::cpu {

void fill(int64_t n, float value, float* x) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) x[i] = value;
}

void axpy(int64_t n, float alpha, const float* x, float* y) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void scale(int64_t n, float alpha, float* x) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) x[i] *= alpha;
}

void add(int64_t n, const float* a, const float* b, float* out) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

void mul(int64_t n, const float* a, const float* b, float* out) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void sum_axis(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y) {
  if (inner == 1) {
    // Reduce contiguous rows: one double-accumulated dot per output.
#pragma omp parallel for if (worth_parallel(outer * axis))
    for (int64_t o = 0; o < outer; ++o) {
      const float* row = x + o * axis;
      double acc = 0.0;
#pragma omp simd reduction(+ : acc)
      for (int64_t a = 0; a < axis; ++a) acc += row[a];
      y[o] = float(acc);
    }
    return;
  }
  // Strided reduction: accumulate whole contiguous inner rows so the inner loop vectorises; the
  // parallel split is over (outer, inner-block) so small `outer` still uses every thread.
  constexpr int64_t kBlock = 512;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
#pragma omp parallel if (worth_parallel(outer * axis * inner))
  {
    double acc[kBlock];
#pragma omp for schedule(static)
    for (int64_t task = 0; task < outer * blocks; ++task) {
      const int64_t o = task / blocks, i0 = (task % blocks) * kBlock;
      const int64_t len = inner - i0 < kBlock ? inner - i0 : kBlock;
      for (int64_t i = 0; i < len; ++i) acc[i] = 0.0;
      for (int64_t a = 0; a < axis; ++a) {
        const float* row = x + (o * axis + a) * inner + i0;
#pragma omp simd
        for (int64_t i = 0; i < len; ++i) acc[i] += row[i];
      }
      for (int64_t i = 0; i < len; ++i) y[o * inner + i0 + i] = float(acc[i]);
    }
  }
}

void sum_squares(int64_t n, const float* x, float* out) {
  double acc = 0.0;
#pragma omp parallel for simd reduction(+ : acc) if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) acc += double(x[i]) * double(x[i]);
  out[0] = float(acc);
}

void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, float* mask) {
  // p == 1 drops everything; 1/(1-p) would be inf and 0*inf NaN.
  const float keep_scale = p < 1.f ? 1.f / (1.f - p) : 0.f;
#pragma omp parallel for if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float m = uniform01(seed, uint64_t(i)) >= p ? keep_scale : 0.f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
}

}  // namespace cnn::kernels::cpu
