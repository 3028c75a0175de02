// The machine's measured FMA peak, the yardstick every CPU benchmark reports against.
#pragma once

namespace cnn::bench {

// FLOP/s of independent AVX-512 FMA chains (AVX2 on CPUs without AVX-512) on all OpenMP threads.
// Measured once per process (best of a few short runs) and cached.
double measured_fma_peak_flops();

// One timed run of `iterations` inner steps per thread; returns the FLOPs executed (all threads).
// Defined per ISA in fma_peak_avx512.cpp / fma_peak_avx2.cpp; call only where the CPU supports it.
double run_fma_chains_avx512(long iterations);
double run_fma_chains_avx2(long iterations);

}  // namespace cnn::bench
