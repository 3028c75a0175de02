// Autograd and dispatch overhead of the core library on tiny CPU tensors, where the kernel itself
// costs almost nothing: what remains is shape checks, device dispatch, allocation, graph
// recording and the backward sweep. Compare the "raw kernel" rows (kernels/cpu called directly)
// with the library rows to see the per-op overhead; keep an eye on it as the library grows.
#include <benchmark/benchmark.h>

#include "cnn/cnn.h"
#include "kernels/cpu/ops.h"

namespace {

using cnn::Tensor;

Tensor leaf(const cnn::Shape& shape, bool requires_grad) {
  cnn::Generator gen(1);
  Tensor t = Tensor::rand(shape, cnn::Device::cpu(), &gen, -1.f, 1.f);
  t.set_requires_grad(requires_grad);
  return t;
}

void BM_RawKernelRelu(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<float> x(static_cast<size_t>(n), 0.5f), y(static_cast<size_t>(n));
  for (auto _ : state) {
    cnn::kernels::cpu::relu_forward(n, x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_RawKernelRelu)->Arg(1)->Arg(16);

void BM_ReluForwardNoGrad(benchmark::State& state) {
  const Tensor x = leaf({state.range(0)}, false);
  for (auto _ : state) benchmark::DoNotOptimize(cnn::relu(x).data());
}
BENCHMARK(BM_ReluForwardNoGrad)->Arg(1)->Arg(16);

void BM_ReluForwardRecorded(benchmark::State& state) {
  const Tensor x = leaf({state.range(0)}, true);
  for (auto _ : state) benchmark::DoNotOptimize(cnn::relu(x).data());
}
BENCHMARK(BM_ReluForwardRecorded)->Arg(1)->Arg(16);

void BM_ReluForwardBackward(benchmark::State& state) {
  Tensor x = leaf({state.range(0)}, true);
  const Tensor seed = Tensor::ones({state.range(0)});
  for (auto _ : state) {
    cnn::relu(x).backward(seed);
    x.zero_grad();
  }
}
BENCHMARK(BM_ReluForwardBackward)->Arg(1)->Arg(16);

void BM_AddForwardBackward(benchmark::State& state) {
  Tensor a = leaf({4, 4}, true), b = leaf({4, 4}, true);
  const Tensor seed = Tensor::ones({4, 4});
  for (auto _ : state) {
    (a + b).backward(seed);
    a.zero_grad();
    b.zero_grad();
  }
}
BENCHMARK(BM_AddForwardBackward);

void BM_RawKernelLinear4x4(benchmark::State& state) {
  const cnn::kernels::LinearShape s{4, 4, 4};
  std::vector<float> x(16, 0.5f), w(16, 0.25f), b(4, 0.1f), y(16);
  for (auto _ : state) {
    cnn::kernels::cpu::linear_forward(s, x.data(), w.data(), b.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_RawKernelLinear4x4);

void BM_LinearForward4x4(benchmark::State& state) {
  const Tensor x = leaf({4, 4}, false), w = leaf({4, 4}, true), b = leaf({4}, true);
  for (auto _ : state) benchmark::DoNotOptimize(cnn::linear(x, w, b).data());
}
BENCHMARK(BM_LinearForward4x4);

void BM_LinearForwardBackward4x4(benchmark::State& state) {
  const Tensor x = leaf({4, 4}, false);
  Tensor w = leaf({4, 4}, true), b = leaf({4}, true);
  const Tensor seed = Tensor::ones({4, 4});
  for (auto _ : state) {
    cnn::linear(x, w, b).backward(seed);
    w.zero_grad();
    b.zero_grad();
  }
}
BENCHMARK(BM_LinearForwardBackward4x4);

// A 3-op chain with a scalar loss: the per-step cost of the autograd machinery in a tiny model.
void BM_TinyMlpStep(benchmark::State& state) {
  const Tensor x = leaf({4, 4}, false);
  Tensor w = leaf({2, 4}, true), b = leaf({2}, true);
  const std::vector<int32_t> labels{0, 1, 1, 0};
  for (auto _ : state) {
    cnn::cross_entropy(cnn::relu(cnn::linear(x, w, b)), labels).backward();
    w.zero_grad();
    b.zero_grad();
  }
}
BENCHMARK(BM_TinyMlpStep);

}  // namespace
