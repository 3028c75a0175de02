// max_pool2d forward (with argmax) and backward (scatter through argmax) on the CPU.
//
// Parallel over (n, c) planes: every plane is independent in both directions, so the backward
// scatter needs no atomics even when windows overlap. Tie and NaN rules follow PyTorch: the first
// in-bounds element of the window starts as the candidate, later ones replace it only when strictly
// greater or NaN, and a NaN once chosen stays.
//
// 2x2 windows with stride 1 or 2 (the seed network, and TinyFaceDetector's TF-'same' pools with
// end padding) take a fast path: four windows per step with SSE2 compares and blends, no bounds
// checks inside the plane; every other shape takes the general bounds-checked loop. Both visit
// taps in the same row-major window order, so argmax (ties, NaN) is identical on either path.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// PyTorch's replacement rule for the scalar edges of the 2x2 path: a candidate replaces the best
// when strictly greater, or when it is NaN and the best is not (a NaN once chosen stays, since
// nothing compares greater than NaN).
inline void take_if_better(float candidate, int32_t candidate_index, float& best,
                           int32_t& best_index) {
  const bool take = (candidate > best) | (std::isnan(candidate) & !std::isnan(best));
  best = take ? candidate : best;
  best_index = take ? candidate_index : best_index;
}

#if defined(__SSE2__)
// take_if_better on four windows at once (SSE2 is the x86-64 baseline, so no dispatch).
inline void take_if_better4(__m128 candidate, __m128i candidate_index, __m128& best,
                            __m128i& best_index) {
  const __m128 take =
      _mm_or_ps(_mm_cmpgt_ps(candidate, best),
                _mm_and_ps(_mm_cmpunord_ps(candidate, candidate), _mm_cmpord_ps(best, best)));
  best = _mm_or_ps(_mm_and_ps(take, candidate), _mm_andnot_ps(take, best));
  const __m128i take_i = _mm_castps_si128(take);
  best_index =
      _mm_or_si128(_mm_and_si128(take_i, candidate_index), _mm_andnot_si128(take_i, best_index));
}

// Four full 2x2 windows starting at output column q of rows r0/r1; returns the next column.
// Reads up to input column kStride * (q + 3) + 1, inside the plane while q + 3 < full_q.
template <int kStride>
int pool_row_2x2_sse2(const float* r0, const float* r1, int32_t row0, int W, int full_q, float* yp,
                      int32_t* ap) {
  int q = 0;
  for (; q + 4 <= full_q; q += 4) {
    const int w = kStride * q;
    __m128 a, b, c, d;  // taps (0,0) (0,1) (1,0) (1,1) of the four windows
    if (kStride == 2) {
      const __m128 r0_lo = _mm_loadu_ps(r0 + w), r0_hi = _mm_loadu_ps(r0 + w + 4);
      const __m128 r1_lo = _mm_loadu_ps(r1 + w), r1_hi = _mm_loadu_ps(r1 + w + 4);
      a = _mm_shuffle_ps(r0_lo, r0_hi, _MM_SHUFFLE(2, 0, 2, 0));
      b = _mm_shuffle_ps(r0_lo, r0_hi, _MM_SHUFFLE(3, 1, 3, 1));
      c = _mm_shuffle_ps(r1_lo, r1_hi, _MM_SHUFFLE(2, 0, 2, 0));
      d = _mm_shuffle_ps(r1_lo, r1_hi, _MM_SHUFFLE(3, 1, 3, 1));
    } else {
      a = _mm_loadu_ps(r0 + w);
      b = _mm_loadu_ps(r0 + w + 1);
      c = _mm_loadu_ps(r1 + w);
      d = _mm_loadu_ps(r1 + w + 1);
    }
    const __m128i first = _mm_add_epi32(_mm_set1_epi32(row0 + w),
                                        _mm_setr_epi32(0, kStride, 2 * kStride, 3 * kStride));
    __m128 best = a;
    __m128i idx = first;
    take_if_better4(b, _mm_add_epi32(first, _mm_set1_epi32(1)), best, idx);
    take_if_better4(c, _mm_add_epi32(first, _mm_set1_epi32(W)), best, idx);
    take_if_better4(d, _mm_add_epi32(first, _mm_set1_epi32(W + 1)), best, idx);
    _mm_storeu_ps(yp + q, best);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(ap + q), idx);
  }
  return q;
}
#endif

// 2x2 windows, stride 1 or 2, no leading padding, no dilation, with or without TF-'same' end
// padding (the seed network's 2x2 stride 2, and TinyFaceDetector's 207 -> 104 and 13 -> 13).
// Interior windows run without bounds checks; only the last output row/column can reach past
// the plane (end padding is less than the kernel), and there the missing taps are skipped.
// Taps are visited in row-major window order, as in the general path, so ties pick the same
// (first) element.
template <int kStride>
void pool_plane_2x2(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax) {
  const int P = s.P(), Q = s.Q(), H = s.H, W = s.W;
  // Output columns whose window holds both input columns.
  const int full_q = W >= 2 ? std::min(Q, (W - 2) / kStride + 1) : 0;
  for (int p = 0; p < P; ++p) {
    const int h = kStride * p;
    const float* r0 = x + int64_t(h) * W;
    float* yp = y + int64_t(p) * Q;
    int32_t* ap = argmax + int64_t(p) * Q;
    const int32_t row0 = h * W;
    if (h + 1 < H) {
      const float* r1 = r0 + W;
#if defined(__SSE2__)
      const int vector_q = pool_row_2x2_sse2<kStride>(r0, r1, row0, W, full_q, yp, ap);
#else
      const int vector_q = 0;
#endif
      for (int q = vector_q; q < full_q; ++q) {
        const int w = kStride * q;
        float best = r0[w];
        int32_t idx = row0 + w;
        take_if_better(r0[w + 1], row0 + w + 1, best, idx);
        take_if_better(r1[w], row0 + W + w, best, idx);
        take_if_better(r1[w + 1], row0 + W + w + 1, best, idx);
        yp[q] = best;
        ap[q] = idx;
      }
      for (int q = full_q; q < Q; ++q) {  // last column: window (0,0) and (1,0) only
        const int w = kStride * q;
        float best = r0[w];
        int32_t idx = row0 + w;
        take_if_better(r1[w], row0 + W + w, best, idx);
        yp[q] = best;
        ap[q] = idx;
      }
    } else {  // last row: window (0,0) and (0,1) only
      for (int q = 0; q < full_q; ++q) {
        const int w = kStride * q;
        float best = r0[w];
        int32_t idx = row0 + w;
        take_if_better(r0[w + 1], row0 + w + 1, best, idx);
        yp[q] = best;
        ap[q] = idx;
      }
      for (int q = full_q; q < Q; ++q) {
        yp[q] = r0[kStride * q];
        ap[q] = row0 + kStride * q;
      }
    }
  }
}

}  // namespace

void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax) {
  const int64_t planes = int64_t(s.N) * s.C;
  const int64_t in_plane = int64_t(s.H) * s.W, out_plane = int64_t(s.P()) * s.Q();
  const bool is_2x2 = s.kernel_h == 2 && s.kernel_w == 2 && s.stride_h == s.stride_w &&
                      (s.stride_h == 1 || s.stride_h == 2) && s.pad_h == 0 && s.pad_w == 0 &&
                      s.dilation_h == 1 && s.dilation_w == 1;
#pragma omp parallel for schedule(static) if (worth_parallel(s.input_size()))
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * in_plane;
    float* yp = y + plane * out_plane;
    int32_t* ap = argmax + plane * out_plane;
    if (is_2x2 && s.stride_h == 2)
      pool_plane_2x2<2>(s, xp, yp, ap);
    else if (is_2x2)
      pool_plane_2x2<1>(s, xp, yp, ap);
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
