// The machine's measured FMA peak, the yardstick every CPU benchmark reports against.
#pragma once

namespace cnn::bench {

// FLOP/s of independent AVX-512 FMA chains (AVX2 on CPUs without AVX-512) on all OpenMP threads,
// best of `runs` runs of a few ms each; 0 on CPUs with neither. Every benchmark that reports a
// fraction of peak samples it right before its timed loop, so on a shared machine the yardstick
// sees the same load as the measurement.
// Each OpenMP thread times its own FMA loop, so a thread waiting for a preempted sibling does not
// lower the peak.
struct PeakSample {
  double flops_per_second = 0;      // sum over threads of FLOPs / wall second: the machine's peak
  double flops_per_cpu_second = 0;  // mean over threads of FLOPs / CPU second: one core's peak
                                    // while it is actually scheduled
};
PeakSample sample_fma_peak(int runs = 3);

// Seconds of CPU time this process (all threads) has used.
double process_cpu_seconds();

// `iterations` steps of independent FMA chains on the calling thread; returns the FLOPs executed.
// Defined per ISA in fma_peak_avx512.cpp / fma_peak_avx2.cpp; call only where the CPU supports it.
double run_fma_chains_avx512(long iterations);
double run_fma_chains_avx2(long iterations);

}  // namespace cnn::bench
