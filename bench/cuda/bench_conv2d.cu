// conv2d forward, backward-data, backward-weight and backward-bias at the seed network's layer
// shapes (batch 64, 3x3, stride 1, padding 1): libcnn's implicit-GEMM kernels next to cuDNN with
// the fastest algorithm cudnnFind* reports (FMA math, i.e. FP32 without TF32).
// Depthwise layers (groups == C, TinyFaceDetector-like shapes at batch 16) run the same way, with
// cuDNN's grouped convolution (cudnnSetConvolutionGroupCount) as the baseline.
#include <memory>

#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

using kernels::Conv2dShape;

Conv2dShape seed_layer(int C, int K, int HW) {
  Conv2dShape s;
  s.N = 64, s.C = C, s.H = HW, s.W = HW, s.K = K, s.R = 3, s.S = 3;
  s.pad_h = s.pad_w = 1;
  return s;
}

// Everything one layer needs on both sides: data, gradients, cuDNN descriptors and the fastest
// algorithms with their workspaces.
struct ConvProblem {
  Conv2dShape s;
  DeviceBuffer x, w, b, y, dy, dx, dw, db, y_ref, dx_ref, dw_ref, db_ref;
  TensorDesc x_desc, y_desc, b_desc;
  cudnnFilterDescriptor_t w_desc = nullptr;
  cudnnConvolutionDescriptor_t conv_desc = nullptr;
  cudnnConvolutionFwdAlgo_t fwd_algo;
  cudnnConvolutionBwdDataAlgo_t bwd_data_algo;
  cudnnConvolutionBwdFilterAlgo_t bwd_filter_algo;
  std::unique_ptr<DeviceBuffer> workspace;

  explicit ConvProblem(const Conv2dShape& shape)
      : s(shape),
        x(random_device(s.input_size(), 0.f, 1.f, 1)),
        w(random_device(s.weight_size(), -0.1f, 0.1f, 2)),
        b(random_device(s.K, -0.1f, 0.1f, 3)),
        y(s.output_size() * 4),
        dy(random_device(s.output_size(), -1.f, 1.f, 4)),
        dx(s.input_size() * 4),
        dw(s.weight_size() * 4),
        db(s.K * 4),
        y_ref(s.output_size() * 4),
        dx_ref(s.input_size() * 4),
        dw_ref(s.weight_size() * 4),
        db_ref(s.K * 4),
        x_desc(s.N, s.C, s.H, s.W),
        y_desc(s.N, s.K, s.P(), s.Q()),
        b_desc(1, s.K, 1, 1) {
    check(cudnnCreateFilterDescriptor(&w_desc), "filter descriptor");
    check(cudnnSetFilter4dDescriptor(w_desc, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.K,
                                     s.group_channels(), s.R, s.S),
          "filter descriptor");
    check(cudnnCreateConvolutionDescriptor(&conv_desc), "conv descriptor");
    check(cudnnSetConvolution2dDescriptor(conv_desc, s.pad_h, s.pad_w, s.stride_h, s.stride_w, 1, 1,
                                          CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
          "conv descriptor");
    check(cudnnSetConvolutionMathType(conv_desc, CUDNN_FMA_MATH), "math type");
    check(cudnnSetConvolutionGroupCount(conv_desc, s.groups), "group count");

    cudnnHandle_t h = cudnn();
    int returned = 0;
    cudnnConvolutionFwdAlgoPerf_t fwd[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    check(cudnnFindConvolutionForwardAlgorithm(h, x_desc, w_desc, conv_desc, y_desc,
                                               CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, fwd),
          "find fwd algo");
    fwd_algo = fwd[0].algo;
    cudnnConvolutionBwdDataAlgoPerf_t bwd_data[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    check(cudnnFindConvolutionBackwardDataAlgorithm(h, w_desc, y_desc, conv_desc, x_desc,
                                                    CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT,
                                                    &returned, bwd_data),
          "find bwd data algo");
    bwd_data_algo = bwd_data[0].algo;
    cudnnConvolutionBwdFilterAlgoPerf_t bwd_filter[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    check(cudnnFindConvolutionBackwardFilterAlgorithm(h, x_desc, y_desc, conv_desc, w_desc,
                                                      CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
                                                      &returned, bwd_filter),
          "find bwd filter algo");
    bwd_filter_algo = bwd_filter[0].algo;
    size_t bytes = std::max({fwd[0].memory, bwd_data[0].memory, bwd_filter[0].memory, size_t(4)});
    workspace = std::make_unique<DeviceBuffer>(bytes);
  }
  ~ConvProblem() {
    cudnnDestroyFilterDescriptor(w_desc);
    cudnnDestroyConvolutionDescriptor(conv_desc);
  }

  void cudnn_forward(float* out) const {
    const float one = 1.f, zero = 0.f;
    check(cudnnConvolutionForward(cudnn(), &one, x_desc, x.f(), w_desc, w.f(), conv_desc, fwd_algo,
                                  workspace->f(), workspace->bytes(), &zero, y_desc, out),
          "cudnnConvolutionForward");
    check(cudnnAddTensor(cudnn(), &one, b_desc, b.f(), &one, y_desc, out), "cudnnAddTensor");
  }
  void cudnn_backward_data(float* out) const {
    const float one = 1.f, zero = 0.f;
    check(cudnnConvolutionBackwardData(cudnn(), &one, w_desc, w.f(), y_desc, dy.f(), conv_desc,
                                       bwd_data_algo, workspace->f(), workspace->bytes(), &zero,
                                       x_desc, out),
          "cudnnConvolutionBackwardData");
  }
  void cudnn_backward_filter(float* out) const {
    const float one = 1.f, zero = 0.f;
    check(cudnnConvolutionBackwardFilter(cudnn(), &one, x_desc, x.f(), y_desc, dy.f(), conv_desc,
                                         bwd_filter_algo, workspace->f(), workspace->bytes(), &zero,
                                         w_desc, out),
          "cudnnConvolutionBackwardFilter");
  }
  void cudnn_backward_bias(float* out) const {
    const float one = 1.f, zero = 0.f;
    check(cudnnConvolutionBackwardBias(cudnn(), &one, y_desc, dy.f(), &zero, b_desc, out),
          "cudnnConvolutionBackwardBias");
  }
};

enum class Pass { kForward, kBackwardData, kBackwardWeight, kBackwardBias };

void run_conv(benchmark::State& state, const Conv2dShape& s, Pass pass, bool libcnn) {
  ConvProblem pr(s);
  const double macs = double(s.output_size()) * s.group_channels() * s.R * s.S;
  const double act_in = double(s.input_size()) * 4, act_out = double(s.output_size()) * 4,
               weights = double(s.weight_size()) * 4;
  switch (pass) {
    case Pass::kForward:
      if (libcnn) {
        kernels::cuda::conv2d_forward(s, pr.x.f(), pr.w.f(), pr.b.f(), pr.y.f(), nullptr);
        pr.cudnn_forward(pr.y_ref.f());
        if (!outputs_match(state, pr.y.f(), pr.y_ref.f(), s.output_size(), "conv2d_forward"))
          return;
        time_with_events(state, [&] {
          kernels::cuda::conv2d_forward(s, pr.x.f(), pr.w.f(), pr.b.f(), pr.y.f(), nullptr);
        });
      } else {
        time_with_events(state, [&] { pr.cudnn_forward(pr.y_ref.f()); });
      }
      set_work(state, 2 * macs, act_in + weights + act_out);
      break;
    case Pass::kBackwardData:
      if (libcnn) {
        kernels::cuda::conv2d_backward_data(s, pr.dy.f(), pr.w.f(), pr.dx.f(), nullptr);
        pr.cudnn_backward_data(pr.dx_ref.f());
        if (!outputs_match(state, pr.dx.f(), pr.dx_ref.f(), s.input_size(), "conv2d_backward_data"))
          return;
        time_with_events(state, [&] {
          kernels::cuda::conv2d_backward_data(s, pr.dy.f(), pr.w.f(), pr.dx.f(), nullptr);
        });
      } else {
        time_with_events(state, [&] { pr.cudnn_backward_data(pr.dx_ref.f()); });
      }
      set_work(state, 2 * macs, act_out + weights + act_in);
      break;
    case Pass::kBackwardWeight:
      if (libcnn) {
        kernels::cuda::conv2d_backward_weight(s, pr.x.f(), pr.dy.f(), pr.dw.f(), nullptr);
        pr.cudnn_backward_filter(pr.dw_ref.f());
        // Sums over the whole batch (N*P*Q up to 640000 terms): FP32 rounding alone reaches
        // ~1e-4 of the largest element, so this check allows 1e-3.
        if (!outputs_match(state, pr.dw.f(), pr.dw_ref.f(), s.weight_size(),
                           "conv2d_backward_weight", 1e-3))
          return;
        time_with_events(state, [&] {
          kernels::cuda::conv2d_backward_weight(s, pr.x.f(), pr.dy.f(), pr.dw.f(), nullptr);
        });
      } else {
        time_with_events(state, [&] { pr.cudnn_backward_filter(pr.dw_ref.f()); });
      }
      set_work(state, 2 * macs, act_in + act_out + weights);
      break;
    case Pass::kBackwardBias:
      if (libcnn) {
        kernels::cuda::conv2d_backward_bias(s, pr.dy.f(), pr.db.f(), nullptr);
        pr.cudnn_backward_bias(pr.db_ref.f());
        if (!outputs_match(state, pr.db.f(), pr.db_ref.f(), s.K, "conv2d_backward_bias", 1e-3))
          return;
        time_with_events(
            state, [&] { kernels::cuda::conv2d_backward_bias(s, pr.dy.f(), pr.db.f(), nullptr); });
      } else {
        time_with_events(state, [&] { pr.cudnn_backward_bias(pr.db_ref.f()); });
      }
      set_work(state, double(s.output_size()), act_out);
      break;
  }
}

const bool registered = [] {
  const Conv2dShape layers[] = {seed_layer(3, 32, 100), seed_layer(32, 64, 100),
                                seed_layer(64, 128, 50)};
  const std::pair<Pass, const char*> passes[] = {{Pass::kForward, "forward"},
                                                 {Pass::kBackwardData, "backward_data"},
                                                 {Pass::kBackwardWeight, "backward_weight"},
                                                 {Pass::kBackwardBias, "backward_bias"}};
  for (const auto& [pass, pass_name] : passes)
    for (const Conv2dShape& s : layers)
      for (bool libcnn : {true, false}) {
        const std::string name = std::string("cuda/conv2d_") + pass_name + "/N64_" +
                                 std::to_string(s.C) + "to" + std::to_string(s.K) + "_" +
                                 std::to_string(s.H) + "x" + std::to_string(s.W) + "/" +
                                 (libcnn ? "libcnn" : "cudnn");
        register_gpu_benchmark(name, [s, pass = pass, libcnn](benchmark::State& state) {
          run_conv(state, s, pass, libcnn);
        });
      }
  // Depthwise 3x3 pad 1 (memory-bound: compare bytes_per_second), batch 16.
  for (const auto& [pass, pass_name] : passes)
    for (const auto& [C, HW] : {std::pair{32, 104}, std::pair{128, 26}, std::pair{256, 13}})
      for (bool libcnn : {true, false}) {
        Conv2dShape s = seed_layer(C, C, HW);
        s.N = 16, s.groups = C;
        const std::string name = std::string("cuda/conv2d_depthwise_") + pass_name + "/N16_C" +
                                 std::to_string(C) + "_" + std::to_string(HW) + "x" +
                                 std::to_string(HW) + "/" + (libcnn ? "libcnn" : "cudnn");
        register_gpu_benchmark(name, [s, pass = pass, libcnn](benchmark::State& state) {
          run_conv(state, s, pass, libcnn);
        });
      }
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
