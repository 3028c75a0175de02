// avg_pool2d (3x3 stride 2 pad 1, count_include_pad) and global average pooling (kernel = H x W)
// forward and backward, libcnn next to cudnnPoolingForward/Backward with
// CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, batch 64 at 128x50x50 and 256x13x13.
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

using kernels::AvgPool2dShape;

void run_avg_pool(benchmark::State& state, const AvgPool2dShape& s, bool backward, bool libcnn) {
  const DeviceBuffer x = random_device(s.input_size(), -1.f, 1.f, 51);
  const DeviceBuffer dy = random_device(s.output_size(), -1.f, 1.f, 52);
  DeviceBuffer y(s.output_size() * 4), y_ref(s.output_size() * 4);
  DeviceBuffer dx(s.input_size() * 4), dx_ref(s.input_size() * 4);
  const TensorDesc x_desc(s.N, s.C, s.H, s.W), y_desc(s.N, s.C, s.P(), s.Q());
  cudnnPoolingDescriptor_t pool;
  check(cudnnCreatePoolingDescriptor(&pool), "pooling descriptor");
  check(cudnnSetPooling2dDescriptor(pool, CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING,
                                    CUDNN_PROPAGATE_NAN, s.kernel_h, s.kernel_w, s.pad_h, s.pad_w,
                                    s.stride_h, s.stride_w),
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
  auto ours_forward = [&] { kernels::cuda::avg_pool2d_forward(s, x.f(), y.f(), nullptr); };
  auto ours_backward = [&] { kernels::cuda::avg_pool2d_backward(s, dy.f(), dx.f(), nullptr); };
  ours_forward();
  cudnn_forward();
  bool ok = true;
  if (libcnn) {
    ok = backward
             ? (ours_backward(), cudnn_backward(),
                outputs_match(state, dx.f(), dx_ref.f(), s.input_size(), "avg_pool2d_backward"))
             : outputs_match(state, y.f(), y_ref.f(), s.output_size(), "avg_pool2d_forward");
  }
  if (ok) {
    if (backward)
      libcnn ? time_with_events(state, ours_backward) : time_with_events(state, cudnn_backward);
    else
      libcnn ? time_with_events(state, ours_forward) : time_with_events(state, cudnn_forward);
    set_work(state, 0, 4.0 * (s.input_size() + s.output_size()));
  }
  cudnnDestroyPoolingDescriptor(pool);
}

const bool registered = [] {
  AvgPool2dShape a, global;
  a.N = 64, a.C = 128, a.H = a.W = 50, a.kernel_h = a.kernel_w = 3, a.stride_h = a.stride_w = 2;
  a.pad_h = a.pad_w = 1;
  global.N = 64, global.C = 256, global.H = global.W = 13;
  global.kernel_h = global.kernel_w = 13, global.stride_h = global.stride_w = 1;
  const std::pair<const char*, AvgPool2dShape> shapes[] = {{"k3s2p1_N64_128x50x50", a},
                                                           {"global_N64_256x13x13", global}};
  for (const auto& [label, s] : shapes)
    for (bool backward : {false, true})
      for (bool libcnn : {true, false}) {
        const std::string name = std::string("cuda/avg_pool2d_") +
                                 (backward ? "backward" : "forward") + "/" + label + "/" +
                                 (libcnn ? "libcnn" : "cudnn");
        register_gpu_benchmark(name, [s = s, backward, libcnn](benchmark::State& state) {
          run_avg_pool(state, s, backward, libcnn);
        });
      }
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
