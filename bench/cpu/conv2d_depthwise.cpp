// Depthwise conv2d on the CPU backend at TinyFaceDetector-like shapes (3x3, stride 1, pad 1,
// batch 16), next to the machine's copy bandwidth. The op is memory-bound, so the number that
// matters is bytes_per_second, where bytes = input + weights + output, each read or written once
// (the least traffic any implementation needs); BM_memory_copy reports the same measure for a
// plain 256 MB copy (read + write) on all OpenMP threads, the practical ceiling.
// Names: BM_conv2d_depthwise_<pass>_cpu/<shape>, BM_memory_copy.
#include <omp.h>

#include <cstring>
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::Conv2dShape;

Conv2dShape depthwise(int N, int C, int HW) {
  Conv2dShape s;
  s.N = N, s.C = C, s.K = C, s.H = s.W = HW, s.R = s.S = 3, s.pad_h = s.pad_w = 1, s.groups = C;
  return s;
}

double depthwise_flops(const Conv2dShape& s) {
  return 2.0 * double(s.output_size()) * s.group_channels() * s.R * s.S;
}

double bytes_once(const Conv2dShape& s) {
  return 4.0 * double(s.input_size() + s.weight_size() + s.output_size());
}

void forward(benchmark::State& state, Conv2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), w = random_buffer(s.weight_size(), 2);
  const auto bias = random_buffer(s.K, 3);
  std::vector<float> y(size_t(s.output_size()));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_forward(s, x.data(), w.data(), bias.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, depthwise_flops(s), bytes_once(s));
}

void backward_data(benchmark::State& state, Conv2dShape s) {
  const auto dy = random_buffer(s.output_size(), 1), w = random_buffer(s.weight_size(), 2);
  std::vector<float> dx(size_t(s.input_size()));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_backward_data(s, dy.data(), w.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, depthwise_flops(s), bytes_once(s));
}

void backward_weight(benchmark::State& state, Conv2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), dy = random_buffer(s.output_size(), 2);
  std::vector<float> dw(size_t(s.weight_size()));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_backward_weight(s, x.data(), dy.data(), dw.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, depthwise_flops(s), bytes_once(s));
}

// 256 MB copied per iteration, each thread a contiguous half (quarter, ...) with memcpy; bytes
// counts the read and the write, as bytes_once does for the convolutions.
void memory_copy(benchmark::State& state) {
  const int64_t floats = int64_t(64) << 20;  // 256 MB
  const auto src = random_buffer(floats, 1);
  std::vector<float> dst(size_t(floats), 0.f);  // pages faulted in before timing
  const LoopTimer loop(false);
  for (auto _ : state) {
#pragma omp parallel
    {
      const int threads = omp_get_num_threads(), t = omp_get_thread_num();
      const int64_t begin = floats * t / threads, end = floats * (t + 1) / threads;
      std::memcpy(dst.data() + begin, src.data() + begin, sizeof(float) * size_t(end - begin));
    }
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 2.0 * 4.0 * double(floats));
  state.counters["threads"] = omp_get_max_threads();
}

const bool registered = [] {
  const std::pair<const char*, Conv2dShape> layers[] = {{"N16_C32_104x104", depthwise(16, 32, 104)},
                                                        {"N16_C128_26x26", depthwise(16, 128, 26)},
                                                        {"N16_C256_13x13", depthwise(16, 256, 13)}};
  for (const auto& [name, shape] : layers) {
    const std::string layer = std::string("/") + name;
    register_cpu_benchmark("BM_conv2d_depthwise_forward_cpu" + layer, forward, shape);
    register_cpu_benchmark("BM_conv2d_depthwise_backward_data_cpu" + layer, backward_data, shape);
    register_cpu_benchmark("BM_conv2d_depthwise_backward_weight_cpu" + layer, backward_weight,
                           shape);
  }
  register_cpu_benchmark("BM_memory_copy", memory_copy);
  return true;
}();

}  // namespace

}  // namespace cnn::bench
