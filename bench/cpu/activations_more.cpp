// The multi-scale-head ops on the CPU backend at batch 64: leaky_relu, relu6 (clamp), sigmoid,
// BCE-with-logits, upsample_nearest2d x2 and the concat copy (copy_2d). All are memory bound, so
// they report bytes_per_second only (the minimum traffic: each input read once, each output
// written once).
//
// Shapes: a YOLOv3-style neck (the "x2 used by multi-scale heads"): the 13x13 map with 256
// channels is upsampled to 26x26 and concatenated with a 26x26 map of 512 channels; the
// activations run over the seed network's conv1 output (64 x 32 x 100 x 100), as ReLU's do.
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::UpsampleShape;

const int64_t kActivation = seed_conv1().output_size();

// kernel(n, x, dy, out): one elementwise kernel (forwards ignore dy).
using UnaryKernel = void (*)(int64_t, const float*, const float*, float*);

void unary(benchmark::State& state, int64_t n, double bytes_per_element, UnaryKernel kernel) {
  const auto x = random_buffer(n, 1, -8.f, 8.f), dy = random_buffer(n, 2);
  std::vector<float> y(static_cast<size_t>(n));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernel(n, x.data(), dy.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, bytes_per_element * double(n));
}

void bce(benchmark::State& state, int64_t n, bool backward) {
  const auto x = random_buffer(n, 1, -6.f, 6.f), t = random_buffer(n, 2, 0.f, 1.f);
  const std::vector<float> g(1, 1.f / float(n));
  std::vector<float> out(static_cast<size_t>(n));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    if (backward)
      kernels::cpu::bce_with_logits_backward(n, x.data(), t.data(), nullptr, g.data(), false, 1.f,
                                             out.data());
    else
      kernels::cpu::bce_with_logits_forward(n, x.data(), t.data(), nullptr, out.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 12.0 * double(n));
}

UpsampleShape neck_upsample() {
  UpsampleShape s;
  s.N = kBatch, s.C = 256, s.H = 13, s.W = 13, s.scale = 2;
  return s;
}

void upsample(benchmark::State& state, bool backward) {
  const UpsampleShape s = neck_upsample();
  const auto in = random_buffer(backward ? s.output_size() : s.input_size(), 1);
  std::vector<float> out(size_t(backward ? s.input_size() : s.output_size()));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    if (backward)
      kernels::cpu::upsample_nearest2d_backward(s, in.data(), out.data());
    else
      kernels::cpu::upsample_nearest2d_forward(s, in.data(), out.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * double(s.input_size() + s.output_size()));
}

// concat([N,256,26,26] upsampled, [N,512,26,26]) along channels: two copy_2d calls.
void concat_channels(benchmark::State& state) {
  const int64_t plane = 26 * 26, c0 = 256 * plane, c1 = 512 * plane;
  const auto a = random_buffer(kBatch * c0, 1), b = random_buffer(kBatch * c1, 2);
  std::vector<float> out(size_t(kBatch * (c0 + c1)));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::copy_2d(kBatch, c0, a.data(), c0, out.data(), c0 + c1);
    kernels::cpu::copy_2d(kBatch, c1, b.data(), c1, out.data() + c0, c0 + c1);
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 8.0 * double(kBatch * (c0 + c1)));
}

const bool registered = [] {
  const int64_t act = kActivation;
  register_cpu_benchmark(
      "BM_leaky_relu_forward_cpu/conv1", unary, act, 8.0,
      +[](int64_t n, const float* x, const float*, float* y) {
        kernels::cpu::leaky_relu_forward(n, 0.1f, x, y);
      });
  register_cpu_benchmark(
      "BM_leaky_relu_backward_cpu/conv1", unary, act, 12.0,
      +[](int64_t n, const float* x, const float* dy, float* dx) {
        kernels::cpu::leaky_relu_backward(n, 0.1f, x, dy, dx);
      });
  register_cpu_benchmark(
      "BM_relu6_forward_cpu/conv1", unary, act, 8.0,
      +[](int64_t n, const float* x, const float*, float* y) {
        kernels::cpu::clamp_forward(n, 0.f, 6.f, x, y);
      });
  register_cpu_benchmark(
      "BM_relu6_backward_cpu/conv1", unary, act, 12.0,
      +[](int64_t n, const float* x, const float* dy, float* dx) {
        kernels::cpu::clamp_backward(n, 0.f, 6.f, x, dy, dx);
      });
  register_cpu_benchmark(
      "BM_sigmoid_forward_cpu/conv1", unary, act, 8.0,
      +[](int64_t n, const float* x, const float*, float* y) {
        kernels::cpu::sigmoid_forward(n, x, y);
      });
  register_cpu_benchmark(
      "BM_sigmoid_backward_cpu/conv1", unary, act, 12.0,
      +[](int64_t n, const float* y, const float* dy, float* dx) {
        kernels::cpu::sigmoid_backward(n, y, dy, dx);
      });
  // A detection head's objectness logits: 64 x 3 anchors x 26 x 26.
  const int64_t logits = int64_t(kBatch) * 3 * 26 * 26;
  register_cpu_benchmark("BM_bce_with_logits_forward_cpu/head26", bce, logits, false);
  register_cpu_benchmark("BM_bce_with_logits_backward_cpu/head26", bce, logits, true);
  register_cpu_benchmark("BM_upsample_nearest2d_forward_cpu/256x13x13_x2", upsample, false);
  register_cpu_benchmark("BM_upsample_nearest2d_backward_cpu/256x13x13_x2", upsample, true);
  register_cpu_benchmark("BM_concat_channels_cpu/256+512x26x26", concat_channels);
  return true;
}();

}  // namespace

}  // namespace cnn::bench
