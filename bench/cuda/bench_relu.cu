// ReLU forward and backward over the seed network's two largest activations (batch 64:
// 32x100x100 and 64x100x100 floats), libcnn next to cudnnActivationForward/Backward.
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

void run_relu(benchmark::State& state, int channels, bool backward, bool libcnn) {
  const int N = 64, H = 100, W = 100;
  const int64_t n = int64_t(N) * channels * H * W;
  const DeviceBuffer x = random_device(n, -1.f, 1.f, 41);
  const DeviceBuffer dy = random_device(n, -1.f, 1.f, 42);
  DeviceBuffer y(n * 4), y_ref(n * 4), dx(n * 4), dx_ref(n * 4);
  const TensorDesc desc(N, channels, H, W);
  cudnnActivationDescriptor_t act;
  check(cudnnCreateActivationDescriptor(&act), "activation descriptor");
  check(cudnnSetActivationDescriptor(act, CUDNN_ACTIVATION_RELU, CUDNN_PROPAGATE_NAN, 0.0),
        "activation descriptor");
  const float one = 1.f, zero = 0.f;
  auto cudnn_forward = [&] {
    check(cudnnActivationForward(cudnn(), act, &one, desc, x.f(), &zero, desc, y_ref.f()),
          "cudnnActivationForward");
  };
  auto cudnn_backward = [&] {
    check(cudnnActivationBackward(cudnn(), act, &one, desc, y_ref.f(), desc, dy.f(), desc, x.f(),
                                  &zero, desc, dx_ref.f()),
          "cudnnActivationBackward");
  };
  auto ours_forward = [&] { kernels::cuda::relu_forward(n, x.f(), y.f(), nullptr); };
  auto ours_backward = [&] { kernels::cuda::relu_backward(n, x.f(), dy.f(), dx.f(), nullptr); };
  cudnn_forward();
  bool ok = true;
  if (libcnn) {
    if (backward) {
      ours_backward();
      cudnn_backward();
      ok = outputs_match(state, dx.f(), dx_ref.f(), n, "relu_backward");
    } else {
      ours_forward();
      ok = outputs_match(state, y.f(), y_ref.f(), n, "relu_forward");
    }
  }
  if (ok) {
    if (backward)
      libcnn ? time_with_events(state, ours_backward) : time_with_events(state, cudnn_backward);
    else
      libcnn ? time_with_events(state, ours_forward) : time_with_events(state, cudnn_forward);
    set_work(state, 0, 4.0 * n * (backward ? 3 : 2));
  }
  cudnnDestroyActivationDescriptor(act);
}

const bool registered = [] {
  for (int channels : {32, 64})
    for (bool backward : {false, true})
      for (bool libcnn : {true, false})
        register_gpu_benchmark(std::string("cuda/relu_") + (backward ? "backward" : "forward") +
                                   "/N64_" + std::to_string(channels) + "x100x100/" +
                                   (libcnn ? "libcnn" : "cudnn"),
                               [channels, backward, libcnn](benchmark::State& state) {
                                 run_relu(state, channels, backward, libcnn);
                               });
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
