// max_pool2d 2x2 stride 2 at the seed network's shapes (batch 64: 64x100x100 and 128x50x50),
// forward and backward, libcnn next to cudnnPoolingForward/Backward.
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

using kernels::MaxPool2dShape;

void run_pool(benchmark::State& state, const MaxPool2dShape& s, bool backward, bool libcnn) {
  const DeviceBuffer x = random_device(s.input_size(), -1.f, 1.f, 31);
  const DeviceBuffer dy = random_device(s.output_size(), -1.f, 1.f, 32);
  DeviceBuffer y(s.output_size() * 4), y_ref(s.output_size() * 4);
  DeviceBuffer argmax(s.output_size() * 4);
  DeviceBuffer dx(s.input_size() * 4), dx_ref(s.input_size() * 4);
  const TensorDesc x_desc(s.N, s.C, s.H, s.W), y_desc(s.N, s.C, s.P(), s.Q());
  cudnnPoolingDescriptor_t pool;
  check(cudnnCreatePoolingDescriptor(&pool), "pooling descriptor");
  check(cudnnSetPooling2dDescriptor(pool, CUDNN_POOLING_MAX, CUDNN_PROPAGATE_NAN, s.kernel_h,
                                    s.kernel_w, s.pad_h, s.pad_w, s.stride_h, s.stride_w),
        "pooling descriptor");
  const float one = 1.f, zero = 0.f;
  auto cudnn_forward = [&] {
    check(cudnnPoolingForward(cudnn(), pool, &one, x_desc, x.f(), &zero, y_desc, y_ref.f()),
          "cudnnPoolingForward");
  };
  auto cudnn_backward = [&] {
    check(cudnnPoolingBackward(cudnn(), pool, &one, y_desc, y_ref.f(), y_desc, dy.f(), x_desc,
                               x.f(), &zero, x_desc, dx_ref.f()),
          "cudnnPoolingBackward");
  };
  auto ours_forward = [&] {
    kernels::cuda::max_pool2d_forward(s, x.f(), y.f(), argmax.i(), nullptr);
  };
  auto ours_backward = [&] {
    kernels::cuda::max_pool2d_backward(s, dy.f(), argmax.i(), dx.f(), nullptr);
  };
  ours_forward();
  cudnn_forward();
  bool ok = true;
  if (libcnn) {
    ok = backward
             ? (ours_backward(), cudnn_backward(),
                outputs_match(state, dx.f(), dx_ref.f(), s.input_size(), "max_pool2d_backward"))
             : outputs_match(state, y.f(), y_ref.f(), s.output_size(), "max_pool2d_forward");
  }
  if (ok) {
    if (backward)
      libcnn ? time_with_events(state, ours_backward) : time_with_events(state, cudnn_backward);
    else
      libcnn ? time_with_events(state, ours_forward) : time_with_events(state, cudnn_forward);
    // forward reads x, writes y (+ argmax for libcnn); backward reads dy (+ argmax), writes dx.
    set_work(state, 0, 4.0 * (s.input_size() + s.output_size()));
  }
  cudnnDestroyPoolingDescriptor(pool);
}

const bool registered = [] {
  MaxPool2dShape a, b;
  a.N = 64, a.C = 64, a.H = a.W = 100;
  b.N = 64, b.C = 128, b.H = b.W = 50;
  for (const MaxPool2dShape& s : {a, b})
    for (bool backward : {false, true})
      for (bool libcnn : {true, false}) {
        const std::string name = std::string("cuda/max_pool2d_") +
                                 (backward ? "backward" : "forward") + "/N64_" +
                                 std::to_string(s.C) + "x" + std::to_string(s.H) + "x" +
                                 std::to_string(s.W) + "/" + (libcnn ? "libcnn" : "cudnn");
        register_gpu_benchmark(name, [s, backward, libcnn](benchmark::State& state) {
          run_pool(state, s, backward, libcnn);
        });
      }
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
