// AVX-512 SGEMM micro-kernel, 8 x 48: 24 zmm accumulators + 3 B vectors + 1 broadcast = 28 of the
// 32 zmm registers. Why 8 x 48 (not 14 x 32): per k it issues 3 B loads and 8 broadcasts for 24
// FMAs (0.46 loads per FMA, vs 0.57 for 14 x 32), 24 independent FMA chains hide the FMA latency,
// and M = 64 and M = 1024 of the seed network's linear layers are exact multiples of 8 (14 would
// waste 9% of the tile at M = 64). Compiled with -mavx512f (file suffix _avx512.cpp).
#include <immintrin.h>

#include "kernels/cpu/sgemm_kernels.h"

namespace cnn::kernels::cpu {

namespace {

constexpr int kMR = 8, kNR = 48;

void kernel_8x48(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                 bool accumulate) {
  // The C tile is touched only after the k loop; ask for its lines now so a tile that lives in
  // DRAM (C rows are ldc apart) does not stall the final loads and stores.
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 32), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kNR - 1), _MM_HINT_T0);
  }
  __m512 acc[kMR][3];
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) acc[i][0] = acc[i][1] = acc[i][2] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16), b2 = _mm512_load_ps(b + 32);
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
      acc[i][2] = _mm512_fmadd_ps(ai, b2, acc[i][2]);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
    float* ci = c + i * ldc;
#pragma GCC unroll 3
    for (int v = 0; v < 3; ++v) {
      if (accumulate) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_loadu_ps(ci + 16 * v));
      _mm512_storeu_ps(ci + 16 * v, acc[i][v]);
    }
  }
}

}  // namespace

SgemmMicroKernel sgemm_kernel_avx512() {
  return {"avx512", kMR, kNR, kernel_8x48, pack_b_panels_trans_avx512, pack_a_panels_avx512};
}

}  // namespace cnn::kernels::cpu
