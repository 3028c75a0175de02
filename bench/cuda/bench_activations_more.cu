// The multi-scale-head ops on the GPU at batch 64. sigmoid and relu6 (clipped ReLU, coefficient 6)
// next to cudnnActivationForward/Backward; the concat copy (copy_2d) next to cudaMemcpy2DAsync,
// which does the same strided block copy; leaky_relu and upsample_nearest2d have no cuDNN
// counterpart and report libcnn's bandwidth alone. Every libcnn output is checked against the
// baseline (or, without one, nothing is claimed but bytes/s).
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

constexpr int kN = 64, kC = 32, kH = 100, kW = 100;  // the seed network's conv1 activation

void run_cudnn_activation(benchmark::State& state, cudnnActivationMode_t mode, bool backward,
                          bool libcnn) {
  const int64_t n = int64_t(kN) * kC * kH * kW;
  const DeviceBuffer x = random_device(n, -8.f, 8.f, 51);
  const DeviceBuffer dy = random_device(n, -1.f, 1.f, 52);
  DeviceBuffer y(n * 4), y_ref(n * 4), dx(n * 4), dx_ref(n * 4);
  const TensorDesc desc(kN, kC, kH, kW);
  cudnnActivationDescriptor_t act;
  check(cudnnCreateActivationDescriptor(&act), "activation descriptor");
  check(cudnnSetActivationDescriptor(act, mode, CUDNN_PROPAGATE_NAN, 6.0), "activation descriptor");
  const float one = 1.f, zero = 0.f;
  const bool sigmoid = mode == CUDNN_ACTIVATION_SIGMOID;
  auto theirs_forward = [&] {
    check(cudnnActivationForward(cudnn(), act, &one, desc, x.f(), &zero, desc, y_ref.f()),
          "cudnnActivationForward");
  };
  auto theirs_backward = [&] {
    check(cudnnActivationBackward(cudnn(), act, &one, desc, y_ref.f(), desc, dy.f(), desc, x.f(),
                                  &zero, desc, dx_ref.f()),
          "cudnnActivationBackward");
  };
  auto ours_forward = [&] {
    if (sigmoid)
      kernels::cuda::sigmoid_forward(n, x.f(), y.f(), nullptr);
    else
      kernels::cuda::clamp_forward(n, 0.f, 6.f, x.f(), y.f(), nullptr);
  };
  auto ours_backward = [&] {
    if (sigmoid)
      kernels::cuda::sigmoid_backward(n, y_ref.f(), dy.f(), dx.f(), nullptr);
    else
      kernels::cuda::clamp_backward(n, 0.f, 6.f, x.f(), dy.f(), dx.f(), nullptr);
  };
  theirs_forward();
  bool ok = true;
  if (libcnn) {
    if (backward) {
      ours_backward();
      theirs_backward();
      ok = outputs_match(state, dx.f(), dx_ref.f(), n, "activation backward");
    } else {
      ours_forward();
      ok = outputs_match(state, y.f(), y_ref.f(), n, "activation forward");
    }
  }
  if (ok) {
    if (backward)
      libcnn ? time_with_events(state, ours_backward) : time_with_events(state, theirs_backward);
    else
      libcnn ? time_with_events(state, ours_forward) : time_with_events(state, theirs_forward);
    set_work(state, 0, 4.0 * n * (backward ? 3 : 2));
  }
  cudnnDestroyActivationDescriptor(act);
}

void run_leaky_relu(benchmark::State& state, bool backward) {
  const int64_t n = int64_t(kN) * kC * kH * kW;
  const DeviceBuffer x = random_device(n, -1.f, 1.f, 53), dy = random_device(n, -1.f, 1.f, 54);
  DeviceBuffer out(n * 4);
  if (backward)
    time_with_events(state, [&] {
      kernels::cuda::leaky_relu_backward(n, 0.1f, x.f(), dy.f(), out.f(), nullptr);
    });
  else
    time_with_events(state,
                     [&] { kernels::cuda::leaky_relu_forward(n, 0.1f, x.f(), out.f(), nullptr); });
  set_work(state, 0, 4.0 * n * (backward ? 3 : 2));
}

// YOLOv3-style neck: [64,256,13,13] upsampled x2.
void run_upsample(benchmark::State& state, bool backward) {
  kernels::UpsampleShape s;
  s.N = kN, s.C = 256, s.H = 13, s.W = 13, s.scale = 2;
  const DeviceBuffer in =
      random_device(size_t(backward ? s.output_size() : s.input_size()), -1.f, 1.f, 55);
  DeviceBuffer out(size_t(backward ? s.input_size() : s.output_size()) * 4);
  if (backward)
    time_with_events(
        state, [&] { kernels::cuda::upsample_nearest2d_backward(s, in.f(), out.f(), nullptr); });
  else
    time_with_events(
        state, [&] { kernels::cuda::upsample_nearest2d_forward(s, in.f(), out.f(), nullptr); });
  set_work(state, 0, 4.0 * double(s.input_size() + s.output_size()));
}

// concat([64,256,26,26], [64,512,26,26]) along channels: two block copies.
void run_concat(benchmark::State& state, bool libcnn) {
  const int64_t plane = 26 * 26, c0 = 256 * plane, c1 = 512 * plane, ld = c0 + c1;
  const DeviceBuffer a = random_device(size_t(kN * c0), -1.f, 1.f, 56);
  const DeviceBuffer b = random_device(size_t(kN * c1), -1.f, 1.f, 57);
  DeviceBuffer out(size_t(kN * ld) * 4), out_ref(size_t(kN * ld) * 4);
  auto ours = [&] {
    kernels::cuda::copy_2d(kN, c0, a.f(), c0, out.f(), ld, nullptr);
    kernels::cuda::copy_2d(kN, c1, b.f(), c1, out.f() + c0, ld, nullptr);
  };
  auto theirs = [&] {
    check(cudaMemcpy2DAsync(out_ref.f(), ld * 4, a.f(), c0 * 4, c0 * 4, kN,
                            cudaMemcpyDeviceToDevice, nullptr),
          "cudaMemcpy2DAsync");
    check(cudaMemcpy2DAsync(out_ref.f() + c0, ld * 4, b.f(), c1 * 4, c1 * 4, kN,
                            cudaMemcpyDeviceToDevice, nullptr),
          "cudaMemcpy2DAsync");
  };
  theirs();
  if (libcnn) {
    ours();
    if (!outputs_match(state, out.f(), out_ref.f(), size_t(kN * ld), "concat", 0.0)) return;
  }
  libcnn ? time_with_events(state, ours) : time_with_events(state, theirs);
  set_work(state, 0, 8.0 * double(kN * ld));
}

const bool registered = [] {
  const std::string shape = "/N64_32x100x100/";
  for (bool backward : {false, true}) {
    const std::string pass = backward ? "backward" : "forward";
    for (bool libcnn : {true, false}) {
      const std::string who = libcnn ? "libcnn" : "cudnn";
      register_gpu_benchmark(
          "cuda/sigmoid_" + pass + shape + who, [backward, libcnn](benchmark::State& state) {
            run_cudnn_activation(state, CUDNN_ACTIVATION_SIGMOID, backward, libcnn);
          });
      register_gpu_benchmark(
          "cuda/relu6_" + pass + shape + who, [backward, libcnn](benchmark::State& state) {
            run_cudnn_activation(state, CUDNN_ACTIVATION_CLIPPED_RELU, backward, libcnn);
          });
    }
    register_gpu_benchmark(
        "cuda/leaky_relu_" + pass + shape + "libcnn",
        [backward](benchmark::State& state) { run_leaky_relu(state, backward); });
    register_gpu_benchmark("cuda/upsample_nearest2d_" + pass + "/N64_256x13x13_x2/libcnn",
                           [backward](benchmark::State& state) { run_upsample(state, backward); });
  }
  for (bool libcnn : {true, false})
    register_gpu_benchmark(std::string("cuda/concat_channels/N64_256+512x26x26/") +
                               (libcnn ? "libcnn" : "cudaMemcpy2D"),
                           [libcnn](benchmark::State& state) { run_concat(state, libcnn); });
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
