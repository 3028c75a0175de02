// AVX-512 FMA peak: the calling thread runs kChains independent FMA dependency chains. 24 chains
// of 16 floats cover FMA latency (4 cycles) x throughput (2 per cycle) with a factor 3 of slack and
// still fit the 32 zmm registers, so the loop is bound by the FMA ports alone.
#include <immintrin.h>

#include "bench/cpu/fma_peak.h"

namespace cnn::bench {

double run_fma_chains_avx512(long iterations) {
  constexpr int kChains = 24;
  volatile float seed = 0.999f;  // runtime values: the compiler cannot fold the chains
  {
    const __m512 a = _mm512_set1_ps(seed), b = _mm512_set1_ps(1e-3f * seed);
    __m512 acc[kChains];
#pragma GCC unroll 24
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(float(i));
    for (long it = 0; it < iterations; ++it) {
#pragma GCC unroll 24
      for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
    // Keep the chains alive (a store, not _mm512_reduce_add_ps, which trips a GCC 12 warning).
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, sum);
    volatile float sink = lanes[0];
    (void)sink;
  }
  return 2.0 * 16 * kChains * double(iterations);
}

}  // namespace cnn::bench
