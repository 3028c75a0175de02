// batch_norm2d forward (training: statistics, y and the running-stat update; inference) and
// training backward, libcnn next to cuDNN's legacy spatial batch norm
// (cudnnBatchNormalizationForwardTraining / ForwardInference / Backward), at a
// TinyFaceDetector-like shape (batch 8, 64x104x104) and the seed network's second pooling shape
// (batch 64, 128x50x50). Both read x at least twice in training (statistics, then y); bytes count
// one read and one write.
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

using kernels::BatchNorm2dShape;

enum class Pass { kForwardTraining, kForwardInference, kBackward };

void run_bn(benchmark::State& state, const BatchNorm2dShape& s, Pass pass, bool libcnn) {
  const size_t n = size_t(s.input_size()), c = size_t(s.C);
  const float eps = 1e-5f, momentum = 0.1f;
  const DeviceBuffer x = random_device(n, -1.f, 3.f, 41), dy = random_device(n, -1.f, 1.f, 42);
  const DeviceBuffer gamma = random_device(c, 0.5f, 1.5f, 43),
                     beta = random_device(c, -1.f, 1.f, 44);
  const DeviceBuffer rmean = random_device(c, -0.5f, 0.5f, 45),
                     rvar = random_device(c, 0.5f, 2.f, 46);
  DeviceBuffer y(n * 4), y_ref(n * 4), dx(n * 4), dx_ref(n * 4);
  DeviceBuffer mean(c * 4), invstd(c * 4), mean_ref(c * 4), invstd_ref(c * 4);
  DeviceBuffer dgamma(c * 4), dbeta(c * 4), dgamma_ref(c * 4), dbeta_ref(c * 4);
  const TensorDesc x_desc(s.N, s.C, s.H, s.W), channel_desc(1, s.C, 1, 1);
  const float one = 1.f, zero = 0.f;
  // The running statistics are updated in place by every training call; their values do not
  // change the timing, so both sides update their own copies without resetting them.
  DeviceBuffer rm_ours(c * 4), rv_ours(c * 4), rm_ref(c * 4), rv_ref(c * 4);
  check(cudaMemcpy(rm_ours.f(), rmean.f(), c * 4, cudaMemcpyDeviceToDevice), "copy");
  check(cudaMemcpy(rv_ours.f(), rvar.f(), c * 4, cudaMemcpyDeviceToDevice), "copy");
  check(cudaMemcpy(rm_ref.f(), rmean.f(), c * 4, cudaMemcpyDeviceToDevice), "copy");
  check(cudaMemcpy(rv_ref.f(), rvar.f(), c * 4, cudaMemcpyDeviceToDevice), "copy");

  auto ours_training = [&] {
    kernels::cuda::batch_norm2d_forward_training(s, x.f(), gamma.f(), beta.f(), eps, momentum,
                                                 y.f(), mean.f(), invstd.f(), rm_ours.f(),
                                                 rv_ours.f(), nullptr);
  };
  auto cudnn_training = [&] {
    check(cudnnBatchNormalizationForwardTraining(cudnn(), CUDNN_BATCHNORM_SPATIAL, &one, &zero,
                                                 x_desc, x.f(), x_desc, y_ref.f(), channel_desc,
                                                 gamma.f(), beta.f(), momentum, rm_ref.f(),
                                                 rv_ref.f(), eps, mean_ref.f(), invstd_ref.f()),
          "cudnnBatchNormalizationForwardTraining");
  };
  auto ours_inference = [&] {
    kernels::cuda::batch_norm2d_forward_inference(s, x.f(), gamma.f(), beta.f(), rmean.f(),
                                                  rvar.f(), eps, y.f(), nullptr);
  };
  auto cudnn_inference = [&] {
    check(cudnnBatchNormalizationForwardInference(cudnn(), CUDNN_BATCHNORM_SPATIAL, &one, &zero,
                                                  x_desc, x.f(), x_desc, y_ref.f(), channel_desc,
                                                  gamma.f(), beta.f(), rmean.f(), rvar.f(), eps),
          "cudnnBatchNormalizationForwardInference");
  };
  auto ours_backward = [&] {
    kernels::cuda::batch_norm2d_backward_training(s, x.f(), dy.f(), gamma.f(), mean.f(), invstd.f(),
                                                  dx.f(), dgamma.f(), dbeta.f(), nullptr);
  };
  auto cudnn_backward = [&] {
    check(cudnnBatchNormalizationBackward(cudnn(), CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one,
                                          &zero, x_desc, x.f(), x_desc, dy.f(), x_desc, dx_ref.f(),
                                          channel_desc, gamma.f(), dgamma_ref.f(), dbeta_ref.f(),
                                          eps, mean_ref.f(), invstd_ref.f()),
          "cudnnBatchNormalizationBackward");
  };

  ours_training();
  cudnn_training();
  bool ok = true;
  if (libcnn) {
    switch (pass) {
      case Pass::kForwardTraining:
        ok = outputs_match(state, y.f(), y_ref.f(), n, "batch_norm2d_forward_training");
        break;
      case Pass::kForwardInference:
        ours_inference();
        cudnn_inference();
        ok = outputs_match(state, y.f(), y_ref.f(), n, "batch_norm2d_forward_inference");
        break;
      case Pass::kBackward:
        ours_backward();
        cudnn_backward();
        ok = outputs_match(state, dx.f(), dx_ref.f(), n, "batch_norm2d_backward dx") &&
             outputs_match(state, dgamma.f(), dgamma_ref.f(), c, "batch_norm2d_backward dgamma");
        break;
    }
  }
  if (!ok) return;
  switch (pass) {
    case Pass::kForwardTraining:
      libcnn ? time_with_events(state, ours_training) : time_with_events(state, cudnn_training);
      set_work(state, 0, 8.0 * double(n));  // read x, write y
      break;
    case Pass::kForwardInference:
      libcnn ? time_with_events(state, ours_inference) : time_with_events(state, cudnn_inference);
      set_work(state, 0, 8.0 * double(n));
      break;
    case Pass::kBackward:
      libcnn ? time_with_events(state, ours_backward) : time_with_events(state, cudnn_backward);
      set_work(state, 0, 12.0 * double(n));  // read x and dy, write dx
      break;
  }
}

const bool registered = [] {
  BatchNorm2dShape face, seed;
  face.N = 8, face.C = 64, face.H = face.W = 104;
  seed.N = 64, seed.C = 128, seed.H = seed.W = 50;
  const std::pair<Pass, const char*> passes[] = {{Pass::kForwardTraining, "forward_training"},
                                                 {Pass::kForwardInference, "forward_inference"},
                                                 {Pass::kBackward, "backward_training"}};
  for (const BatchNorm2dShape& s : {face, seed})
    for (const auto& [pass, pass_name] : passes)
      for (bool libcnn : {true, false}) {
        const std::string name = std::string("cuda/batch_norm2d_") + pass_name + "/N" +
                                 std::to_string(s.N) + "_" + std::to_string(s.C) + "x" +
                                 std::to_string(s.H) + "x" + std::to_string(s.W) + "/" +
                                 (libcnn ? "libcnn" : "cudnn");
        register_gpu_benchmark(name, [s, pass = pass, libcnn](benchmark::State& state) {
          run_bn(state, s, pass, libcnn);
        });
      }
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
