// Shared helpers of the CPU benchmarks: random buffers, the seed network's layer shapes at batch
// 64, and the flops / bytes / fraction-of-peak counters every benchmark reports.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/cpu/fma_peak.h"
#include "kernels/random_hash.h"
#include "kernels/shapes.h"

namespace cnn::bench {

constexpr int kBatch = 64;

// n floats uniform in [lo, hi), a pure function of (seed, i); filled in parallel because the
// largest buffers (conv2 output, the 80000 x 1024 weight) hold 41M and 82M floats.
inline std::vector<float> random_buffer(int64_t n, uint64_t seed, float lo = -1.f, float hi = 1.f) {
  std::vector<float> v(static_cast<size_t>(n));
#pragma omp parallel for
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = lo + (hi - lo) * kernels::uniform01(seed, i);
  return v;
}

// The seed network ("MaskDetection1", docs/design.md) at batch 64.
inline kernels::Conv2dShape seed_conv(int C, int HW, int K) {
  kernels::Conv2dShape s;
  s.N = kBatch, s.C = C, s.H = s.W = HW, s.K = K, s.R = s.S = 3, s.pad_h = s.pad_w = 1;
  return s;
}
inline kernels::Conv2dShape seed_conv1() {
  return seed_conv(3, 100, 32);
}
inline kernels::Conv2dShape seed_conv2() {
  return seed_conv(32, 100, 64);
}
inline kernels::Conv2dShape seed_conv3() {
  return seed_conv(64, 50, 128);
}
inline kernels::MaxPool2dShape seed_pool(int C, int HW) {
  kernels::MaxPool2dShape s;
  s.N = kBatch, s.C = C, s.H = s.W = HW;  // 2x2, stride 2 are the defaults
  return s;
}
inline kernels::MaxPool2dShape seed_pool1() {
  return seed_pool(64, 100);
}
inline kernels::MaxPool2dShape seed_pool2() {
  return seed_pool(128, 50);
}
inline kernels::LinearShape seed_fc1() {
  return {kBatch, 1024, 80000};
}
inline kernels::LinearShape seed_fc2() {
  return {kBatch, 2, 1024};
}
constexpr int64_t kSeedParameters = 82'016'322;

// Start it right before `for (auto _ : state)`: samples the FMA peak (when the benchmark reports
// FLOPs) and then times the loop, so fraction_of_peak can be a plain number (a kIsRate counter
// would print "x/s") measured against a peak taken under the same machine load.
class LoopTimer {
 public:
  explicit LoopTimer(bool sample_peak = true)
      : peak_(sample_peak ? sample_fma_peak() : PeakSample{}),
        cpu_start_(process_cpu_seconds()),
        start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  double cpu_seconds() const { return process_cpu_seconds() - cpu_start_; }
  const PeakSample& peak() const { return peak_; }

 private:
  PeakSample peak_;
  double cpu_start_;
  std::chrono::steady_clock::time_point start_;
};

// Per-iteration work -> counters: "flops" (rate), bytes_per_second, and two fractions of the
// sampled FMA peak: "fraction_of_peak" in wall time (the headline number), and
// "fraction_of_peak_cpu" = (FLOPs per CPU-second of this process, all threads) / (one core's peak
// FLOPs per CPU-second), which does not count time the OS gave to other processes: on a shared
// machine it is the better measure of the kernel itself (threads spinning at a barrier still
// count against it). flops == 0: FLOPs are not a meaningful measure.
inline void report(benchmark::State& state, const LoopTimer& loop, double flops, double bytes) {
  const double iterations = double(state.iterations());
  const double seconds = loop.seconds(), cpu_seconds = loop.cpu_seconds();
  if (flops > 0) {
    state.counters["flops"] = benchmark::Counter(flops * iterations, benchmark::Counter::kIsRate);
    const PeakSample& peak = loop.peak();
    if (peak.flops_per_second > 0 && seconds > 0)
      state.counters["fraction_of_peak"] = flops * iterations / seconds / peak.flops_per_second;
    if (peak.flops_per_cpu_second > 0 && cpu_seconds > 0)
      state.counters["fraction_of_peak_cpu"] =
          flops * iterations / cpu_seconds / peak.flops_per_cpu_second;
  }
  state.SetBytesProcessed(int64_t(bytes * iterations));
}

// Registers fn(state, args...) as `name` with the settings every CPU op benchmark uses: real time
// (the kernels run OpenMP teams), milliseconds, and a short minimum time so the whole CPU suite
// runs in a few minutes.
template <typename Fn, typename... Args>
benchmark::internal::Benchmark* register_cpu_benchmark(const std::string& name, Fn&& fn,
                                                       Args&&... args) {
  return benchmark::RegisterBenchmark(name.c_str(), std::forward<Fn>(fn),
                                      std::forward<Args>(args)...)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->MinTime(0.3);
}

}  // namespace cnn::bench
