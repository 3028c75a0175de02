// AVX-512 packing for the two operand layouts that need a transpose: a transposed B
// (op(B)(k, j) = B[j*ld + k]) into NR-wide panels, NR a multiple of 16, and a non-transposed A
// (op(A)(i, k) = A[i*ld + k]) into 8-row panels. The portable loop scatters one float at a time
// with stride NR; here 16 rows x 16 k of B are loaded as 16 vectors, transposed in registers (16x16
// transpose, 64 shuffles) and stored as 16 full rows of the panel. Why it matters: y = x w^T of the
// seed network packs all of w (82M floats) this way on every forward, and the scalar loop took
// longer than the FMAs; conv2d's backward-weight packs both its operands transposed for every band.
// GCC 12 reports a false -Wmaybe-uninitialized (-Wuninitialized with -O2 -g) inside its own
// AVX-512 intrinsics (_mm512_undefined_ps in unpack/shuffle; GCC bug 105593), so both warnings
// are off for this file.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>

#include "kernels/cpu/sgemm_pack.h"

namespace cnn::kernels::cpu {

namespace {

// In-place transpose of the 16x16 block r[0..15] (r[i] = row i) into columns.
inline void transpose16x16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // r[4g + c], lane L: rows 4g..4g+3 of column 4L + c.
  for (int g = 0; g < 4; ++g) {
    const __m512d t0 = _mm512_castps_pd(t[4 * g]), t1 = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * g + 2]), t3 = _mm512_castps_pd(t[4 * g + 3]);
    r[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  // Gather lane L of r[c], r[4+c], r[8+c], r[12+c] into column 4L + c.
  for (int c = 0; c < 4; ++c) {
    const __m512 s0 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88);
    const __m512 s1 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xdd);
    const __m512 s2 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88);
    const __m512 s3 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xdd);
    t[c] = _mm512_shuffle_f32x4(s0, s2, 0x88);       // column c
    t[8 + c] = _mm512_shuffle_f32x4(s0, s2, 0xdd);   // column 8 + c
    t[4 + c] = _mm512_shuffle_f32x4(s1, s3, 0x88);   // column 4 + c
    t[12 + c] = _mm512_shuffle_f32x4(s1, s3, 0xdd);  // column 12 + c
  }
  for (int i = 0; i < 16; ++i) r[i] = t[i];
}

}  // namespace

void pack_b_panels_trans_avx512(MatrixView b, int k0, int kc, int j0, int nc, int nr, float* dst) {
  for (int q = 0; q < nc; q += nr, dst += int64_t(kc) * nr) {
    for (int g = 0; g < nr; g += 16) {
      // Rows j0+q+g .. +15 of B; rows past nc are packed as zeros.
      const int rows = std::clamp(nc - q - g, 0, 16);
      for (int k = 0; k < kc; k += 16) {
        const int depth = std::min(16, kc - k);
        const __mmask16 load_mask = __mmask16((1u << depth) - 1);
        __m512 r[16];
        for (int i = 0; i < 16; ++i)
          r[i] = i < rows ? _mm512_maskz_loadu_ps(
                                load_mask, b.data + int64_t(j0 + q + g + i) * b.ld + (k0 + k))
                          : _mm512_setzero_ps();
        // B rows are 4 bytes * ld apart (320 KB for w of the seed network), each visited for only
        // kc floats, too short for the hardware prefetcher to ramp up: fetch the same k range of
        // the next 16 rows while this block is transposed (~1 us ahead, > DRAM latency).
        const int next = q + g + 16;
        for (int i = 0; i < 16 && next + i < nc; ++i)
          _mm_prefetch(
              reinterpret_cast<const char*>(b.data + int64_t(j0 + next + i) * b.ld + (k0 + k)),
              _MM_HINT_T0);
        transpose16x16(r);
        for (int i = 0; i < depth; ++i) _mm512_store_ps(dst + int64_t(k + i) * nr + g, r[i]);
      }
    }
  }
}

void pack_a_panels_avx512(MatrixView a, int i0, int mc, int k0, int kc, float alpha, int mr,
                          float* dst) {
  if (a.trans || mr != 8) {  // only the transposing case has something to gain
    pack_a_panels(a, i0, mc, k0, kc, alpha, mr, dst);
    return;
  }
  const __m512 scale = _mm512_set1_ps(alpha);
  for (int p = 0; p < mc; p += 8, dst += int64_t(kc) * 8) {
    const int rows = std::min(8, mc - p);
    // One 16x16 transpose handles 32 k: vector i < 8 is row i at [k, k+16), vector 8 + i the same
    // row at [k+16, k+32). Transposed vector t then holds the 8 rows at k+t (low half) and at
    // k+16+t (high half): exactly two 8-float entries of the MR = 8 panel.
    for (int k = 0; k < kc; k += 32) {
      const int depth_lo = std::min(16, kc - k), depth_hi = std::clamp(kc - k - 16, 0, 16);
      const __mmask16 mask_lo = __mmask16((1u << depth_lo) - 1);
      const __mmask16 mask_hi = __mmask16((1u << depth_hi) - 1);
      __m512 r[16];
      for (int i = 0; i < 8; ++i) {
        const float* row = a.data + int64_t(i0 + p + i) * a.ld + (k0 + k);
        r[i] = i < rows ? _mm512_maskz_loadu_ps(mask_lo, row) : _mm512_setzero_ps();
        r[8 + i] = i < rows ? _mm512_maskz_loadu_ps(mask_hi, row + 16) : _mm512_setzero_ps();
      }
      transpose16x16(r);
      for (int t = 0; t < depth_lo; ++t) {
        const __m512 v = _mm512_mul_ps(r[t], scale);
        _mm256_store_ps(dst + int64_t(k + t) * 8, _mm512_castps512_ps256(v));
        if (t < depth_hi)
          _mm256_store_ps(dst + int64_t(k + 16 + t) * 8, _mm512_extractf32x8_ps(v, 1));
      }
    }
  }
}

}  // namespace cnn::kernels::cpu

#pragma GCC diagnostic pop
