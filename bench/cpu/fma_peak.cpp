// BM_fma_peak_cpu and the peak sampler (fma_peak.h). A sample is the best of a few ~3 ms runs, so
// one unlucky time slice on a shared machine does not set the yardstick.
#include "bench/cpu/fma_peak.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace cnn::bench {

namespace {

bool has_avx512() {
  return __builtin_cpu_supports("avx512f");
}
bool has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// One run on every OpenMP thread: total FLOPs, the sum of the per-thread wall rates, and the mean
// of the per-thread CPU-time rates.
struct ChainRun {
  double flops = 0, flops_per_second = 0, flops_per_cpu_second = 0;
};
ChainRun run_fma_chains(long iterations) {
  ChainRun run;
  double flops = 0, rate = 0, cpu_rate = 0;
  int threads = 0;
#pragma omp parallel reduction(+ : flops, rate, cpu_rate, threads)
  {
    threads = 1;
    const double cpu_start = thread_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const double f =
        has_avx512() ? run_fma_chains_avx512(iterations) : run_fma_chains_avx2(iterations);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    flops += f;
    rate += f / seconds;
    cpu_rate += f / (thread_cpu_seconds() - cpu_start);
  }
  run.flops = flops;
  run.flops_per_second = rate;
  run.flops_per_cpu_second = cpu_rate / threads;
  return run;
}

}  // namespace

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

PeakSample sample_fma_peak(int runs) {
  PeakSample best;
  if (!has_avx512() && !has_avx2()) return best;
  // ~3 ms of AVX-512 FMAs per run: short enough to be rarely preempted.
  constexpr long kIterations = 800'000;
  for (int i = 0; i < runs; ++i) {
    const ChainRun run = run_fma_chains(kIterations);
    best.flops_per_second = std::max(best.flops_per_second, run.flops_per_second);
    best.flops_per_cpu_second = std::max(best.flops_per_cpu_second, run.flops_per_cpu_second);
  }
  return best;
}

namespace {

void BM_fma_peak_cpu(benchmark::State& state) {
  if (!has_avx512() && !has_avx2()) {
    state.SkipWithError("neither AVX-512F nor AVX2+FMA: no FMA peak to measure");
    return;
  }
  constexpr long kIterations = 1'000'000;
  double flops = 0;
  for (auto _ : state) flops += run_fma_chains(kIterations).flops;
  state.counters["flops"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
  state.SetLabel(has_avx512() ? "avx512" : "avx2");
}
BENCHMARK(BM_fma_peak_cpu)->UseRealTime()->MinTime(0.5);

}  // namespace

}  // namespace cnn::bench
