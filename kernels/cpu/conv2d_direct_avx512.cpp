// Direct conv2d backward-weight with AVX-512 (see conv2d_direct.h).
//
// dw[k,c,r,s] = sum_{n,p,q} dy[n,k,p,q] * xp[n,c,p+r,q+s], where xp is x zero-padded by (ph, pw).
// For one image and one filter k, every (c, r, s) of a group of input channels gets one zmm
// accumulator (up to 27: the seed network's first layer has C*R*S = 27, one group). Each 16 output
// columns then cost one dy load and one shifted x load per accumulator, for one FMA per
// accumulator: nothing is packed, dy is read once per filter and group, and the few x rows in use
// stay in L1. S == 3 is built in (the shifts are immediates, keeping addresses out of memory). The
// x image is first copied into a per-thread zero-padded buffer with 16 floats of slack per row, so
// the shifted loads never leave it and need no masks; only the last dy vector of a row is masked
// (its extra lanes load 0 and add nothing). Images are split over threads; each thread sums into
// its own double accumulator.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/cpu/conv2d_direct.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/scratch_buffer.h"

namespace cnn::kernels::cpu {

namespace {

// Up to 9 padded input rows x 3 column shifts = 27 accumulators + the dy vector + one x vector =
// 29 of the 32 zmm registers.
constexpr int kMaxRows = 9;

// xp[c][h][w] = x[c][h - ph][w - pw], zero outside; rows of `row_stride` floats.
void pad_image(const Conv2dShape& s, const float* x, int row_stride, float* xp) {
  const int Hp = s.H + 2 * s.pad_h;
  std::memset(xp, 0, sizeof(float) * size_t(s.C) * Hp * row_stride);
  for (int c = 0; c < s.C; ++c)
    for (int h = 0; h < s.H; ++h)
      std::memcpy(xp + (int64_t(c) * Hp + h + s.pad_h) * row_stride + s.pad_w,
                  x + (int64_t(c) * s.H + h) * s.W, sizeof(float) * size_t(s.W));
}

float horizontal_sum(__m512 v) {
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, v);
  float sum = 0.f;
  for (float lane : lanes) sum += lane;
  return sum;
}

// out[j*3 + s] = sum_{p,q} dy[p,q] * x_row_j[p*row_stride + q + s] for j < kRows, s < 3, where
// row j is the padded input row at offset row_offset[j] (one per (channel, r) of the group).
// kRows is a template parameter and the 3 column shifts are immediates, so the 3*kRows <= 27
// accumulators and the kRows row pointers all stay in registers.
template <int kRows>
void correlate_rows(const float* xp, int row_stride, const int64_t* row_offset, const float* dy,
                    int P, int Q, float* out) {
  __m512 sum[kRows * 3];
  for (int t = 0; t < kRows * 3; ++t) sum[t] = _mm512_setzero_ps();
  const int full = Q / 16 * 16;
  const __mmask16 tail = __mmask16((1u << (Q - full)) - 1);
  const int vectors = (Q + 15) / 16;
  for (int p = 0; p < P; ++p) {
    const float* x_row = xp + int64_t(p) * row_stride;
    const float* dy_row = dy + int64_t(p) * Q;
    for (int v = 0; v < vectors; ++v) {
      const int q = 16 * v;
      // One code path for full and tail vectors: a select, not a second copy of the loop body,
      // keeps all 27 accumulators in registers.
      const __m512 d = _mm512_maskz_loadu_ps(q < full ? __mmask16(0xffff) : tail, dy_row + q);
#pragma GCC unroll 27
      for (int t = 0; t < kRows * 3; ++t)
        sum[t] = _mm512_fmadd_ps(d, _mm512_loadu_ps(x_row + row_offset[t / 3] + q + t % 3), sum[t]);
    }
  }
  for (int t = 0; t < kRows * 3; ++t) out[t] = horizontal_sum(sum[t]);
}

using CorrelateFn = void (*)(const float*, int, const int64_t*, const float*, int, int, float*);

CorrelateFn correlate_kernel(int rows) {
  switch (rows) {
    case 1:
      return correlate_rows<1>;
    case 2:
      return correlate_rows<2>;
    case 3:
      return correlate_rows<3>;
    case 4:
      return correlate_rows<4>;
    case 5:
      return correlate_rows<5>;
    case 6:
      return correlate_rows<6>;
    case 7:
      return correlate_rows<7>;
    case 8:
      return correlate_rows<8>;
    default:
      return correlate_rows<9>;  // rows <= kMaxRows by make_groups
  }
}

// A run of whole input channels [c0, c0 + channels) handled by one correlate call.
struct ChannelGroup {
  int c0, channels;
  CorrelateFn kernel;
  int64_t row_offset[kMaxRows];  // (c, r) -> offset of padded row r of channel c0 + c
};

std::vector<ChannelGroup> make_groups(const Conv2dShape& s, int row_stride) {
  const int Hp = s.H + 2 * s.pad_h;
  const int per_group = std::max(1, kMaxRows / s.R);
  std::vector<ChannelGroup> groups;
  for (int c0 = 0; c0 < s.C; c0 += per_group) {
    ChannelGroup g{c0, std::min(per_group, s.C - c0), nullptr, {}};
    g.kernel = correlate_kernel(g.channels * s.R);
    for (int c = 0; c < g.channels; ++c)
      for (int r = 0; r < s.R; ++r)
        g.row_offset[c * s.R + r] = (int64_t(c0 + c) * Hp + r) * row_stride;
    groups.push_back(g);
  }
  return groups;
}

}  // namespace

void conv2d_backward_weight_direct_avx512(const Conv2dShape& s, const float* x, const float* dy,
                                          float* dw) {
  const int taps = s.R * s.S, P = s.P(), Q = s.Q();
  const int row_stride = s.W + 2 * s.pad_w + 16;  // 16 floats of slack for the shifted loads
  const int Hp = s.H + 2 * s.pad_h;
  const int64_t padded_floats = int64_t(s.C) * Hp * row_stride;
  const int64_t wsize = s.weight_size(), plane = int64_t(P) * Q;
  const int64_t image_in = int64_t(s.C) * s.H * s.W, image_out = int64_t(s.K) * plane;
  const std::vector<ChannelGroup> groups = make_groups(s, row_stride);
  const int threads = std::min<int>(available_threads(), s.N);
  std::vector<double> partial(size_t(threads) * size_t(wsize), 0.0);
#pragma omp parallel num_threads(threads)
  {
    static thread_local ScratchBuffer padded;
    float* xp = padded.get(size_t(padded_floats));
    double* acc = partial.data() + size_t(omp_get_thread_num()) * size_t(wsize);
    float sums[kMaxRows * 3];
    // Static schedule: image n always lands in the same thread's accumulator, so the result is
    // bit-identical from run to run for a given thread count (resume and determinism rely on it).
#pragma omp for schedule(static)
    for (int n = 0; n < s.N; ++n) {
      pad_image(s, x + n * image_in, row_stride, xp);
      for (int k = 0; k < s.K; ++k)
        for (const ChannelGroup& g : groups) {
          g.kernel(xp, row_stride, g.row_offset, dy + n * image_out + k * plane, P, Q, sums);
          double* dst = acc + (int64_t(k) * s.C + g.c0) * taps;
          for (int t = 0; t < g.channels * taps; ++t) dst[t] += sums[t];
        }
    }
  }
  for (int64_t i = 0; i < wsize; ++i) {
    double sum = 0.0;
    for (int t = 0; t < threads; ++t) sum += partial[size_t(t) * size_t(wsize) + size_t(i)];
    dw[i] = float(sum);
  }
}

}  // namespace cnn::kernels::cpu
