// AVX2 FMA peak for CPUs without AVX-512: 12 independent chains of 8 floats per thread (12 of the
// 16 ymm registers, 1.5x the latency x throughput product of current cores).
#include <immintrin.h>

#include "bench/cpu/fma_peak.h"

namespace cnn::bench {

double run_fma_chains_avx2(long iterations) {
  constexpr int kChains = 12;
  volatile float seed = 0.999f;
  {
    const __m256 a = _mm256_set1_ps(seed), b = _mm256_set1_ps(1e-3f * seed);
    __m256 acc[kChains];
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(float(i));
    for (long it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
      for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 sum = acc[0];
    for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    volatile float sink = lanes[0];
    (void)sink;
  }
  return 2.0 * 8 * kChains * double(iterations);
}

}  // namespace cnn::bench
