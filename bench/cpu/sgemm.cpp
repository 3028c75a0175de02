// BM_sgemm_cpu/M/N/K: the CPU SGEMM on the three GEMMs of the seed network's 80000 -> 1024 linear
// layer at batch 64, with that layer's transposes, reported as a fraction of the measured FMA peak.
//   64 x 1024 x 80000    forward          y  = x w^T      (trans_b)
//   64 x 80000 x 1024    backward-data    dx = dy w
//   1024 x 80000 x 64    backward-weight  dw = dy^T x     (trans_a)
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

struct LinearGemm {
  int M, N, K;
  bool trans_a, trans_b;
};
constexpr LinearGemm kLinearGemms[] = {
    {64, 1024, 80000, false, true},
    {64, 80000, 1024, false, false},
    {1024, 80000, 64, true, false},
};

void BM_sgemm_cpu(benchmark::State& state) {
  const int M = int(state.range(0)), N = int(state.range(1)), K = int(state.range(2));
  const LinearGemm* g = nullptr;
  for (const LinearGemm& candidate : kLinearGemms)
    if (candidate.M == M && candidate.N == N && candidate.K == K) g = &candidate;
  if (!g) {
    state.SkipWithError("not one of the seed network's linear-layer GEMMs");
    return;
  }
  // Stored shapes: A is [M,K] or [K,M] (trans_a), B is [K,N] or [N,K] (trans_b).
  const auto a = random_buffer(int64_t(M) * K, 1), b = random_buffer(int64_t(K) * N, 2);
  std::vector<float> c(size_t(M) * N);
  const int lda = g->trans_a ? M : K, ldb = g->trans_b ? K : N;
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::sgemm(g->trans_a, g->trans_b, M, N, K, 1.f, a.data(), lda, b.data(), ldb, 0.f,
                        c.data(), N);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 2.0 * M * N * K, 4.0 * (double(M) * K + double(K) * N + double(M) * N));
  state.SetLabel(kernels::cpu::simd_level() + (g->trans_a ? " trans_a" : "") +
                 (g->trans_b ? " trans_b" : ""));
}
BENCHMARK(BM_sgemm_cpu)
    ->Args({64, 1024, 80000})
    ->Args({64, 80000, 1024})
    ->Args({1024, 80000, 64})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);

}  // namespace

}  // namespace cnn::bench
