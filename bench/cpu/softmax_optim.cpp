// Loss and optimizer kernels on the CPU backend: cross-entropy on the seed network's logits
// (64 x 2), softmax forward/backward on a wide 64 x 100000 matrix (the stress case of the row-wise
// kernels), and SGD-momentum / Adam over all 82,016,322 parameters of the seed network.
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::SoftmaxShape;

std::vector<int32_t> labels_for(const SoftmaxShape& s) {
  std::vector<int32_t> labels(size_t(s.rows));
  for (int i = 0; i < s.rows; ++i) labels[size_t(i)] = i % s.cols;
  return labels;
}

void cross_entropy_forward(benchmark::State& state, SoftmaxShape s) {
  const auto logits = random_buffer(int64_t(s.rows) * s.cols, 1, -5.f, 5.f);
  const auto labels = labels_for(s);
  std::vector<float> probs(size_t(s.rows) * s.cols);
  float loss = 0;
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::cross_entropy_forward(s, logits.data(), labels.data(), probs.data(), &loss);
    benchmark::DoNotOptimize(loss);
  }
  report(state, loop, 0, 8.0 * s.rows * double(s.cols));
}

void cross_entropy_backward(benchmark::State& state, SoftmaxShape s) {
  const auto probs = random_buffer(int64_t(s.rows) * s.cols, 1, 0.f, 1.f);
  const auto labels = labels_for(s);
  std::vector<float> dlogits(size_t(s.rows) * s.cols);
  const float dloss = 1.f;
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::cross_entropy_backward(s, probs.data(), labels.data(), &dloss, dlogits.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 8.0 * s.rows * double(s.cols));
}

void softmax_forward(benchmark::State& state, SoftmaxShape s) {
  const auto x = random_buffer(int64_t(s.rows) * s.cols, 1, -10.f, 10.f);
  std::vector<float> y(size_t(s.rows) * s.cols);
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::softmax_forward(s, x.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 8.0 * s.rows * double(s.cols));
}

void softmax_backward(benchmark::State& state, SoftmaxShape s) {
  const auto y = random_buffer(int64_t(s.rows) * s.cols, 1, 0.f, 1.f);
  const auto dy = random_buffer(int64_t(s.rows) * s.cols, 2);
  std::vector<float> dx(size_t(s.rows) * s.cols);
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::softmax_backward(s, y.data(), dy.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 12.0 * s.rows * double(s.cols));
}

void sgd_update(benchmark::State& state) {
  const int64_t n = kSeedParameters;
  auto param = random_buffer(n, 1), momentum = random_buffer(n, 2, 0.f, 0.f);
  const auto grad = random_buffer(n, 3, -1e-3f, 1e-3f);
  kernels::SgdParams p;
  p.lr = 1e-3f, p.momentum = 0.9f;
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::sgd_update(n, p, param.data(), grad.data(), momentum.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * 5 * double(n));  // read param, grad, buf; write param, buf
}

void adam_update(benchmark::State& state) {
  const int64_t n = kSeedParameters;
  auto param = random_buffer(n, 1), m = random_buffer(n, 2, 0.f, 0.f);
  auto v = random_buffer(n, 3, 0.f, 0.f);
  const auto grad = random_buffer(n, 4, -1e-3f, 1e-3f);
  kernels::AdamParams p;
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::adam_update(n, p, param.data(), grad.data(), m.data(), v.data());
    ++p.step;
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * 7 * double(n));  // read param, grad, m, v; write param, m, v
}

const bool registered = [] {
  const SoftmaxShape logits{kBatch, 2}, wide{kBatch, 100000};
  register_cpu_benchmark("BM_cross_entropy_forward_cpu/logits", cross_entropy_forward, logits)
      ->Unit(benchmark::kMicrosecond);
  register_cpu_benchmark("BM_cross_entropy_backward_cpu/logits", cross_entropy_backward, logits)
      ->Unit(benchmark::kMicrosecond);
  register_cpu_benchmark("BM_softmax_forward_cpu/wide", softmax_forward, wide);
  register_cpu_benchmark("BM_softmax_backward_cpu/wide", softmax_backward, wide);
  register_cpu_benchmark("BM_sgd_update_cpu/seed_params", sgd_update);
  register_cpu_benchmark("BM_adam_update_cpu/seed_params", adam_update);
  return true;
}();

}  // namespace

}  // namespace cnn::bench
