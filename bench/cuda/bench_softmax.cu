// Softmax forward/backward at the seed network's logits (64 x 2) and at wider rows (64 x 1000,
// 64 x 100000) where the block-per-row path runs, libcnn next to cudnnSoftmaxForward/Backward
// (CUDNN_SOFTMAX_ACCURATE, per instance); cross-entropy forward/backward (no cuDNN counterpart)
// are timed alone.
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

using kernels::SoftmaxShape;

void run_softmax(benchmark::State& state, const SoftmaxShape& s, bool backward, bool libcnn) {
  const int64_t n = int64_t(s.rows) * s.cols;
  const DeviceBuffer x = random_device(n, -5.f, 5.f, 51);
  const DeviceBuffer dy = random_device(n, -1.f, 1.f, 52);
  DeviceBuffer y(n * 4), y_ref(n * 4), dx(n * 4), dx_ref(n * 4);
  const TensorDesc desc(s.rows, s.cols, 1, 1);
  const float one = 1.f, zero = 0.f;
  auto cudnn_forward = [&] {
    check(cudnnSoftmaxForward(cudnn(), CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_INSTANCE, &one,
                              desc, x.f(), &zero, desc, y_ref.f()),
          "cudnnSoftmaxForward");
  };
  auto cudnn_backward = [&] {
    check(cudnnSoftmaxBackward(cudnn(), CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_INSTANCE, &one,
                               desc, y_ref.f(), desc, dy.f(), &zero, desc, dx_ref.f()),
          "cudnnSoftmaxBackward");
  };
  auto ours_forward = [&] { kernels::cuda::softmax_forward(s, x.f(), y.f(), nullptr); };
  auto ours_backward = [&] {
    kernels::cuda::softmax_backward(s, y_ref.f(), dy.f(), dx.f(), nullptr);
  };
  cudnn_forward();
  bool ok = true;
  if (libcnn) {
    if (backward) {
      ours_backward();
      cudnn_backward();
      ok = outputs_match(state, dx.f(), dx_ref.f(), n, "softmax_backward");
    } else {
      ours_forward();
      ok = outputs_match(state, y.f(), y_ref.f(), n, "softmax_forward");
    }
  }
  if (!ok) return;
  if (backward)
    libcnn ? time_with_events(state, ours_backward) : time_with_events(state, cudnn_backward);
  else
    libcnn ? time_with_events(state, ours_forward) : time_with_events(state, cudnn_forward);
  set_work(state, 0, 4.0 * n * (backward ? 3 : 2));
}

void run_cross_entropy(benchmark::State& state, const SoftmaxShape& s, bool backward) {
  const int64_t n = int64_t(s.rows) * s.cols;
  const DeviceBuffer logits = random_device(n, -5.f, 5.f, 61);
  std::vector<int32_t> labels_host(s.rows);
  for (int r = 0; r < s.rows; ++r) labels_host[r] = r % s.cols;
  DeviceBuffer labels(s.rows * 4), probs(n * 4), loss(4), dlogits(n * 4);
  check(cudaMemcpy(labels.i(), labels_host.data(), s.rows * 4, cudaMemcpyHostToDevice), "labels");
  const DeviceBuffer dloss = random_device(1, 1.f, 1.f, 0);
  kernels::cuda::cross_entropy_forward(s, logits.f(), labels.i(), probs.f(), loss.f(), nullptr);
  if (backward)
    time_with_events(state, [&] {
      kernels::cuda::cross_entropy_backward(s, probs.f(), labels.i(), dloss.f(), dlogits.f(),
                                            nullptr);
    });
  else
    time_with_events(state, [&] {
      kernels::cuda::cross_entropy_forward(s, logits.f(), labels.i(), probs.f(), loss.f(), nullptr);
    });
  set_work(state, 0, 4.0 * n * 2);
}

const bool registered = [] {
  const SoftmaxShape shapes[] = {{64, 2}, {64, 1000}, {64, 100000}};
  for (const SoftmaxShape& s : shapes) {
    const std::string dims = std::to_string(s.rows) + "x" + std::to_string(s.cols);
    for (bool backward : {false, true}) {
      for (bool libcnn : {true, false})
        register_gpu_benchmark(std::string("cuda/softmax_") + (backward ? "backward" : "forward") +
                                   "/" + dims + "/" + (libcnn ? "libcnn" : "cudnn"),
                               [s, backward, libcnn](benchmark::State& state) {
                                 run_softmax(state, s, backward, libcnn);
                               });
      register_gpu_benchmark(
          std::string("cuda/cross_entropy_") + (backward ? "backward" : "forward") + "/" + dims +
              "/libcnn",
          [s, backward](benchmark::State& state) { run_cross_entropy(state, s, backward); });
    }
  }
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
