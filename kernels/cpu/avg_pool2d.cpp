// avg_pool2d forward and backward on the CPU (PyTorch semantics: zero padding, count_include_pad
// picks the divisor, floor mode).
//
// Parallel over (n, c) planes, as max_pool2d: planes are independent in both directions, so the
// backward scatter needs no atomics even when windows overlap, and each plane's sums run in a
// fixed order (bit-identical from run to run). Window sums are float: a window is at most a plane
// (global pooling), whose float sum stays well inside the absolute-sum tolerance of the tests.
#include <cstring>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

namespace {

// The first in-bounds row/column of a window starting at `start` and one past its last.
inline int clamp_begin(int start) {
  return start > 0 ? start : 0;
}
inline int clamp_end(int start, int kernel, int extent) {
  return start + kernel < extent ? start + kernel : extent;
}

float divisor_of(const AvgPool2dShape& s, int h0, int w0) {
  if (s.count_include_pad) return float(s.kernel_h * s.kernel_w);
  return float((clamp_end(h0, s.kernel_h, s.H) - clamp_begin(h0)) *
               (clamp_end(w0, s.kernel_w, s.W) - clamp_begin(w0)));
}

}  // namespace

void avg_pool2d_forward(const AvgPool2dShape& s, const float* x, float* y) {
  const int64_t planes = int64_t(s.N) * s.C;
  const int P = s.P(), Q = s.Q();
  const int64_t in_plane = int64_t(s.H) * s.W, out_plane = int64_t(P) * Q;
#pragma omp parallel for schedule(static) if (worth_parallel(s.input_size()))
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * in_plane;
    float* yp = y + plane * out_plane;
    for (int p = 0; p < P; ++p) {
      const int h0 = p * s.stride_h - s.pad_h;
      const int hb = clamp_begin(h0), he = clamp_end(h0, s.kernel_h, s.H);
      for (int q = 0; q < Q; ++q) {
        const int w0 = q * s.stride_w - s.pad_w;
        const int wb = clamp_begin(w0), we = clamp_end(w0, s.kernel_w, s.W);
        float sum = 0.f;
        for (int h = hb; h < he; ++h)
          for (int w = wb; w < we; ++w) sum += xp[h * s.W + w];
        yp[p * Q + q] = sum / divisor_of(s, h0, w0);
      }
    }
  }
}

void avg_pool2d_backward(const AvgPool2dShape& s, const float* dy, float* dx) {
  const int64_t planes = int64_t(s.N) * s.C;
  const int P = s.P(), Q = s.Q();
  const int64_t in_plane = int64_t(s.H) * s.W, out_plane = int64_t(P) * Q;
#pragma omp parallel for schedule(static) if (worth_parallel(s.input_size()))
  for (int64_t plane = 0; plane < planes; ++plane) {
    float* dxp = dx + plane * in_plane;
    const float* dyp = dy + plane * out_plane;
    std::memset(dxp, 0, sizeof(float) * size_t(in_plane));
    for (int p = 0; p < P; ++p) {
      const int h0 = p * s.stride_h - s.pad_h;
      const int hb = clamp_begin(h0), he = clamp_end(h0, s.kernel_h, s.H);
      for (int q = 0; q < Q; ++q) {
        const int w0 = q * s.stride_w - s.pad_w;
        const int wb = clamp_begin(w0), we = clamp_end(w0, s.kernel_w, s.W);
        const float g = dyp[p * Q + q] / divisor_of(s, h0, w0);
        for (int h = hb; h < he; ++h)
          for (int w = wb; w < we; ++w) dxp[h * s.W + w] += g;
      }
    }
  }
}

}  // namespace cnn::kernels::cpu
