// linear on the CPU backend at the seed network's two linear layers (fc1: 80000 -> 1024, fc2:
// 1024 -> 2), batch 64: forward (bias fused), backward-data, backward-weight, backward-bias.
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::LinearShape;

double gemm_flops(const LinearShape& s) {
  return 2.0 * s.M * s.N * double(s.K);
}
double gemm_bytes(const LinearShape& s) {
  return 4.0 * (double(s.M) * s.K + double(s.N) * s.K + double(s.M) * s.N);
}

void linear_forward(benchmark::State& state, LinearShape s) {
  const auto x = random_buffer(int64_t(s.M) * s.K, 1);
  const auto w = random_buffer(int64_t(s.N) * s.K, 2, -.01f, .01f), b = random_buffer(s.N, 3);
  std::vector<float> y(size_t(s.M) * s.N);
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::linear_forward(s, x.data(), w.data(), b.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, gemm_flops(s), gemm_bytes(s));
}

void linear_backward_data(benchmark::State& state, LinearShape s) {
  const auto dy = random_buffer(int64_t(s.M) * s.N, 1), w = random_buffer(int64_t(s.N) * s.K, 2);
  std::vector<float> dx(size_t(s.M) * s.K);
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::linear_backward_data(s, dy.data(), w.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, gemm_flops(s), gemm_bytes(s));
}

void linear_backward_weight(benchmark::State& state, LinearShape s) {
  const auto dy = random_buffer(int64_t(s.M) * s.N, 1), x = random_buffer(int64_t(s.M) * s.K, 2);
  std::vector<float> dw(size_t(s.N) * s.K);
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::linear_backward_weight(s, dy.data(), x.data(), dw.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, gemm_flops(s), gemm_bytes(s));
}

void linear_backward_bias(benchmark::State& state, LinearShape s) {
  const auto dy = random_buffer(int64_t(s.M) * s.N, 1);
  std::vector<float> db(size_t(s.N));
  const LoopTimer loop;
  for (auto _ : state) {
    kernels::cpu::linear_backward_bias(s, dy.data(), db.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, double(s.M) * s.N, 4.0 * (double(s.M) * s.N + s.N));
}

const bool registered = [] {
  const std::pair<const char*, LinearShape> layers[] = {{"fc1", seed_fc1()}, {"fc2", seed_fc2()}};
  for (const auto& [name, shape] : layers) {
    const std::string layer = std::string("/") + name;
    register_cpu_benchmark("BM_linear_forward_cpu" + layer, linear_forward, shape);
    register_cpu_benchmark("BM_linear_backward_data_cpu" + layer, linear_backward_data, shape);
    register_cpu_benchmark("BM_linear_backward_weight_cpu" + layer, linear_backward_weight, shape);
    register_cpu_benchmark("BM_linear_backward_bias_cpu" + layer, linear_backward_bias, shape);
  }
  return true;
}();

}  // namespace

}  // namespace cnn::bench
