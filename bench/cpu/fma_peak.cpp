// BM_fma_peak_cpu and the cached peak (fma_peak.h). The peak is the best of several ~50 ms runs
// (the first also warms the cores up to their sustained clock), so one unlucky time slice on a
// shared machine does not set the yardstick.
#include "bench/cpu/fma_peak.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>

namespace cnn::bench {

namespace {

bool has_avx512() {
  return __builtin_cpu_supports("avx512f");
}
bool has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

double run_fma_chains(long iterations) {
  return has_avx512() ? run_fma_chains_avx512(iterations) : run_fma_chains_avx2(iterations);
}

}  // namespace

double measured_fma_peak_flops() {
  static const double peak = [] {
    if (!has_avx512() && !has_avx2()) return 0.0;
    constexpr long kIterations = 2'000'000;  // ~50 ms at 3 GHz
    double best = 0;
    for (int run = 0; run < 5; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const double flops = run_fma_chains(kIterations);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::max(best, flops / seconds);
    }
    return best;
  }();
  return peak;
}

namespace {

void BM_fma_peak_cpu(benchmark::State& state) {
  if (!has_avx512() && !has_avx2()) {
    state.SkipWithError("neither AVX-512F nor AVX2+FMA: no FMA peak to measure");
    return;
  }
  constexpr long kIterations = 1'000'000;
  double flops = 0;
  for (auto _ : state) flops += run_fma_chains(kIterations);
  state.counters["flops"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
  state.SetLabel(has_avx512() ? "avx512" : "avx2");
}
BENCHMARK(BM_fma_peak_cpu)->UseRealTime()->MinTime(0.5);

}  // namespace

}  // namespace cnn::bench
