// max_pool2d forward (with argmax) and backward (scatter through argmax) on the CPU.
//
// Parallel over (n, c) planes: every plane is independent in both directions, so the backward
// scatter needs no atomics even when windows overlap. Tie and NaN rules follow PyTorch: the first
// in-bounds element of the window starts as the candidate, later ones replace it only when strictly
// greater or NaN, and a NaN once chosen stays.
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

namespace {

// One output plane of a general window (any kernel, stride, padding, dilation, extra end
// padding: the bounds checks skip every tap outside the plane).
void pool_plane_general(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax) {
  const int P = s.P(), Q = s.Q();
  for (int p = 0; p < P; ++p)
    for (int q = 0; q < Q; ++q) {
      float best = -std::numeric_limits<float>::infinity();
      int32_t best_index = -1;
      bool best_is_nan = false;
      for (int i = 0; i < s.kernel_h; ++i) {
        const int h = p * s.stride_h - s.pad_h + i * s.dilation_h;
        if (h < 0 || h >= s.H) continue;
        for (int j = 0; j < s.kernel_w; ++j) {
          const int w = q * s.stride_w - s.pad_w + j * s.dilation_w;
          if (w < 0 || w >= s.W) continue;
          const float v = x[h * s.W + w];
          if (best_index < 0 || (!best_is_nan && (v > best || std::isnan(v)))) {
            best = v;
            best_index = h * s.W + w;
            best_is_nan = std::isnan(v);
          }
        }
      }
      y[p * Q + q] = best;
      argmax[p * Q + q] = best_index;
    }
}

// The seed network's 2x2 / stride 2 / no padding case, without bounds checks (every window is
// fully inside the plane when pad == 0 and there is no extra end padding; TF-'same' shapes with
// an extra row or column take the general path).
void pool_plane_2x2(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax) {
  const int P = s.P(), Q = s.Q(), W = s.W;
  for (int p = 0; p < P; ++p) {
    const float* r0 = x + (2 * p) * W;
    const float* r1 = r0 + W;
    for (int q = 0; q < Q; ++q) {
      const int w = 2 * q;
      // Window order: (0,0) (0,1) (1,0) (1,1); same replacement rule as the general path.
      float best = r0[w];
      int32_t idx = 2 * p * W + w;
      const float cand[3] = {r0[w + 1], r1[w], r1[w + 1]};
      const int32_t cidx[3] = {idx + 1, idx + W, idx + W + 1};
      for (int k = 0; k < 3; ++k)
        if (!std::isnan(best) && (cand[k] > best || std::isnan(cand[k]))) {
          best = cand[k];
          idx = cidx[k];
        }
      y[p * Q + q] = best;
      argmax[p * Q + q] = idx;
    }
  }
}

}  // namespace

void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax) {
  const int64_t planes = int64_t(s.N) * s.C;
  const int64_t in_plane = int64_t(s.H) * s.W, out_plane = int64_t(s.P()) * s.Q();
  const bool is_2x2 = s.kernel_h == 2 && s.kernel_w == 2 && s.stride_h == 2 && s.stride_w == 2 &&
                      s.pad_h == 0 && s.pad_w == 0 && s.dilation_h == 1 && s.dilation_w == 1 &&
                      s.extra_pad_h_end == 0 && s.extra_pad_w_end == 0;
#pragma omp parallel for schedule(static) if (worth_parallel(s.input_size()))
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * in_plane;
    float* yp = y + plane * out_plane;
    int32_t* ap = argmax + plane * out_plane;
    if (is_2x2)
      pool_plane_2x2(s, xp, yp, ap);
    else
      pool_plane_general(s, xp, yp, ap);
  }
}

void max_pool2d_backward(const MaxPool2dShape& s, const float* dy, const int32_t* argmax,
                         float* dx) {
  const int64_t planes = int64_t(s.N) * s.C;
  const int64_t in_plane = int64_t(s.H) * s.W, out_plane = int64_t(s.P()) * s.Q();
#pragma omp parallel for schedule(static) if (worth_parallel(s.input_size()))
  for (int64_t plane = 0; plane < planes; ++plane) {
    float* dxp = dx + plane * in_plane;
    const float* dyp = dy + plane * out_plane;
    const int32_t* ap = argmax + plane * out_plane;
    std::memset(dxp, 0, sizeof(float) * size_t(in_plane));
    for (int64_t o = 0; o < out_plane; ++o)
      if (ap[o] >= 0) dxp[ap[o]] += dyp[o];
  }
}

}  // namespace cnn::kernels::cpu
