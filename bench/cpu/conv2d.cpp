// conv2d on the CPU backend at the seed network's three conv layers, batch 64: forward,
// backward-data, backward-weight, backward-bias. Names: BM_conv2d_<pass>_cpu/<layer>.
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::Conv2dShape;

double conv_flops(const Conv2dShape& s) {
  return 2.0 * s.N * s.K * s.P() * s.Q() * double(s.C) * s.R * s.S;
}
double bytes(int64_t floats) {
  return 4.0 * double(floats);
}

void conv_forward(benchmark::State& state, Conv2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), w = random_buffer(s.weight_size(), 2, -.1f, .1f);
  const auto bias = random_buffer(s.K, 3);
  std::vector<float> y(size_t(s.output_size()));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_forward(s, x.data(), w.data(), bias.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, conv_flops(s), bytes(s.input_size() + s.weight_size() + s.output_size()));
}

void conv_backward_data(benchmark::State& state, Conv2dShape s) {
  const auto dy = random_buffer(s.output_size(), 1), w = random_buffer(s.weight_size(), 2);
  std::vector<float> dx(size_t(s.input_size()));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_backward_data(s, dy.data(), w.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, conv_flops(s), bytes(s.input_size() + s.weight_size() + s.output_size()));
}

void conv_backward_weight(benchmark::State& state, Conv2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), dy = random_buffer(s.output_size(), 2);
  std::vector<float> dw(size_t(s.weight_size()));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_backward_weight(s, x.data(), dy.data(), dw.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, conv_flops(s), bytes(s.input_size() + s.weight_size() + s.output_size()));
}

void conv_backward_bias(benchmark::State& state, Conv2dShape s) {
  const auto dy = random_buffer(s.output_size(), 1);
  std::vector<float> db(size_t(s.K));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::conv2d_backward_bias(s, dy.data(), db.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, double(s.output_size()), bytes(s.output_size() + s.K));
}

const bool registered = [] {
  const std::pair<const char*, Conv2dShape> layers[] = {
      {"conv1", seed_conv1()}, {"conv2", seed_conv2()}, {"conv3", seed_conv3()}};
  for (const auto& [name, shape] : layers) {
    const std::string layer = std::string("/") + name;
    register_cpu_benchmark("BM_conv2d_forward_cpu" + layer, conv_forward, shape);
    register_cpu_benchmark("BM_conv2d_backward_data_cpu" + layer, conv_backward_data, shape);
    register_cpu_benchmark("BM_conv2d_backward_weight_cpu" + layer, conv_backward_weight, shape);
    register_cpu_benchmark("BM_conv2d_backward_bias_cpu" + layer, conv_backward_bias, shape);
  }
  return true;
}();

}  // namespace

}  // namespace cnn::bench
