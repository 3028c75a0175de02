// ReLU and max_pool2d on the CPU backend at the seed network's shapes, batch 64. Both are memory
// bound, so they report bytes_per_second only.
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::MaxPool2dShape;

void relu_forward(benchmark::State& state, int64_t n) {
  const auto x = random_buffer(n, 1);
  std::vector<float> y(static_cast<size_t>(n));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::relu_forward(n, x.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 8.0 * double(n));
}

void relu_backward(benchmark::State& state, int64_t n) {
  const auto x = random_buffer(n, 1), dy = random_buffer(n, 2);
  std::vector<float> dx(static_cast<size_t>(n));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::relu_backward(n, x.data(), dy.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 12.0 * double(n));
}

void pool_forward(benchmark::State& state, MaxPool2dShape s) {
  const auto x = random_buffer(s.input_size(), 1);
  std::vector<float> y(size_t(s.output_size()));
  std::vector<int32_t> argmax(size_t(s.output_size()));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::max_pool2d_forward(s, x.data(), y.data(), argmax.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * double(s.input_size() + 2 * s.output_size()));
}

void pool_backward(benchmark::State& state, MaxPool2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), dy = random_buffer(s.output_size(), 2);
  std::vector<float> y(size_t(s.output_size())), dx(size_t(s.input_size()));
  std::vector<int32_t> argmax(size_t(s.output_size()));
  kernels::cpu::max_pool2d_forward(s, x.data(), y.data(), argmax.data());
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::max_pool2d_backward(s, dy.data(), argmax.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * double(s.input_size() + 2 * s.output_size()));
}

const bool registered = [] {
  // ReLU follows conv1, conv2, conv3 and fc1.
  const std::pair<const char*, int64_t> relus[] = {{"conv1", seed_conv1().output_size()},
                                                   {"conv2", seed_conv2().output_size()},
                                                   {"conv3", seed_conv3().output_size()},
                                                   {"fc1", int64_t(kBatch) * 1024}};
  for (const auto& [name, n] : relus) {
    register_cpu_benchmark(std::string("BM_relu_forward_cpu/") + name, relu_forward, n);
    register_cpu_benchmark(std::string("BM_relu_backward_cpu/") + name, relu_backward, n);
  }
  const std::pair<const char*, MaxPool2dShape> pools[] = {{"pool1", seed_pool1()},
                                                          {"pool2", seed_pool2()}};
  for (const auto& [name, shape] : pools) {
    register_cpu_benchmark(std::string("BM_max_pool2d_forward_cpu/") + name, pool_forward, shape);
    register_cpu_benchmark(std::string("BM_max_pool2d_backward_cpu/") + name, pool_backward, shape);
  }
  return true;
}();

}  // namespace

}  // namespace cnn::bench
