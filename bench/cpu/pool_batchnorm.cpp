// avg_pool2d, global average pooling and batch_norm2d (training forward with the running-stat
// update, inference forward, training backward) on the CPU backend. All are memory bound, so
// they report bytes_per_second only (one read of each input, one write of each output).
#include <string>

#include "bench/cpu/bench_util.h"
#include "kernels/cpu/ops.h"

namespace cnn::bench {

namespace {

using kernels::AvgPool2dShape;
using kernels::BatchNorm2dShape;

void avg_pool_forward(benchmark::State& state, AvgPool2dShape s) {
  const auto x = random_buffer(s.input_size(), 1);
  std::vector<float> y(size_t(s.output_size()));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::avg_pool2d_forward(s, x.data(), y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * double(s.input_size() + s.output_size()));
}

void avg_pool_backward(benchmark::State& state, AvgPool2dShape s) {
  const auto dy = random_buffer(s.output_size(), 2);
  std::vector<float> dx(size_t(s.input_size()));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::avg_pool2d_backward(s, dy.data(), dx.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 4.0 * double(s.input_size() + s.output_size()));
}

void bn_forward_training(benchmark::State& state, BatchNorm2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), gamma = random_buffer(s.C, 2);
  const auto beta = random_buffer(s.C, 3);
  std::vector<float> y(size_t(s.input_size())), mean(size_t(s.C)), invstd(size_t(s.C));
  std::vector<float> running_mean(size_t(s.C), 0.f), running_var(size_t(s.C), 1.f);
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::batch_norm2d_forward_training(s, x.data(), gamma.data(), beta.data(), 1e-5f, 0.1f,
                                                y.data(), mean.data(), invstd.data(),
                                                running_mean.data(), running_var.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 8.0 * double(s.input_size()));
}

void bn_forward_inference(benchmark::State& state, BatchNorm2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), gamma = random_buffer(s.C, 2);
  const auto beta = random_buffer(s.C, 3), running_mean = random_buffer(s.C, 4);
  const auto running_var = random_buffer(s.C, 5, 0.5f, 2.f);
  std::vector<float> y(size_t(s.input_size()));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::batch_norm2d_forward_inference(s, x.data(), gamma.data(), beta.data(),
                                                 running_mean.data(), running_var.data(), 1e-5f,
                                                 y.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 8.0 * double(s.input_size()));
}

void bn_backward_training(benchmark::State& state, BatchNorm2dShape s) {
  const auto x = random_buffer(s.input_size(), 1), dy = random_buffer(s.input_size(), 2);
  const auto gamma = random_buffer(s.C, 3), mean = random_buffer(s.C, 4);
  const auto invstd = random_buffer(s.C, 5, 0.5f, 2.f);
  std::vector<float> dx(size_t(s.input_size())), dgamma(size_t(s.C)), dbeta(size_t(s.C));
  const LoopTimer loop(/*sample_peak=*/false);
  for (auto _ : state) {
    kernels::cpu::batch_norm2d_backward_training(s, x.data(), dy.data(), gamma.data(), mean.data(),
                                                 invstd.data(), dx.data(), dgamma.data(),
                                                 dbeta.data());
    benchmark::ClobberMemory();
  }
  report(state, loop, 0, 12.0 * double(s.input_size()));
}

const bool registered = [] {
  AvgPool2dShape pool, global;
  pool.N = kBatch, pool.C = 128, pool.H = pool.W = 50, pool.kernel_h = pool.kernel_w = 3;
  pool.stride_h = pool.stride_w = 2, pool.pad_h = pool.pad_w = 1;
  global.N = kBatch, global.C = 256, global.H = global.W = 13;
  global.kernel_h = global.kernel_w = 13, global.stride_h = global.stride_w = 1;
  const std::pair<const char*, AvgPool2dShape> pools[] = {{"k3s2p1_128x50x50", pool},
                                                          {"global_256x13x13", global}};
  for (const auto& [name, shape] : pools) {
    register_cpu_benchmark(std::string("BM_avg_pool2d_forward_cpu/") + name, avg_pool_forward,
                           shape);
    register_cpu_benchmark(std::string("BM_avg_pool2d_backward_cpu/") + name, avg_pool_backward,
                           shape);
  }
  BatchNorm2dShape bn;
  bn.N = kBatch, bn.C = 64, bn.H = bn.W = 50;
  register_cpu_benchmark("BM_batch_norm2d_forward_training_cpu/64x50x50", bn_forward_training, bn);
  register_cpu_benchmark("BM_batch_norm2d_forward_inference_cpu/64x50x50", bn_forward_inference,
                         bn);
  register_cpu_benchmark("BM_batch_norm2d_backward_training_cpu/64x50x50", bn_backward_training,
                         bn);
  return true;
}();

}  // namespace

}  // namespace cnn::bench
