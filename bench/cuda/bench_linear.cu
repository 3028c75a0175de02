// Linear layers of the seed network at batch 64 (80000->1024 and 1024->2), forward and both
// backward GEMMs, libcnn (cuda::linear_*, i.e. cuda::sgemm with split-K) next to cuBLAS SGEMM on
// the same row-major problem; plus square SGEMMs to see the tile loop's peak against cuBLAS.
#include "bench/cuda/bench_util.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::bench::cuda {
namespace {

using kernels::LinearShape;

enum class Pass { kForward, kBackwardData, kBackwardWeight };

// cuBLAS is column-major: a row-major X[r,c] is the column-major X^T, so each row-major product
// is issued as its transpose, e.g. y = x w^T  <=>  y^T = w x^T.
void cublas_linear(const LinearShape& s, Pass pass, const float* x, const float* w, const float* dy,
                   float* out) {
  const float one = 1.f, zero = 0.f;
  cublasHandle_t h = cublas();
  switch (pass) {
    case Pass::kForward:  // y[M,N] = x[M,K] w[N,K]^T
      check(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, s.N, s.M, s.K, &one, w, s.K, x, s.K, &zero,
                        out, s.N),
            "cublasSgemm");
      break;
    case Pass::kBackwardData:  // dx[M,K] = dy[M,N] w[N,K]
      check(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, s.K, s.M, s.N, &one, w, s.K, dy, s.N, &zero,
                        out, s.K),
            "cublasSgemm");
      break;
    case Pass::kBackwardWeight:  // dw[N,K] = dy[M,N]^T x[M,K]
      check(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_T, s.K, s.N, s.M, &one, x, s.K, dy, s.N, &zero,
                        out, s.K),
            "cublasSgemm");
      break;
  }
}

void libcnn_linear(const LinearShape& s, Pass pass, const float* x, const float* w, const float* dy,
                   float* out) {
  switch (pass) {
    case Pass::kForward:  // no bias, to compute exactly what the cuBLAS call computes
      kernels::cuda::linear_forward(s, x, w, nullptr, out, nullptr);
      break;
    case Pass::kBackwardData:
      kernels::cuda::linear_backward_data(s, dy, w, out, nullptr);
      break;
    case Pass::kBackwardWeight:
      kernels::cuda::linear_backward_weight(s, dy, x, out, nullptr);
      break;
  }
}

void run_linear(benchmark::State& state, const LinearShape& s, Pass pass, bool libcnn) {
  const DeviceBuffer x = random_device(size_t(s.M) * s.K, 0.f, 1.f, 11);
  const DeviceBuffer w = random_device(size_t(s.N) * s.K, -0.01f, 0.01f, 12);
  const DeviceBuffer dy = random_device(size_t(s.M) * s.N, -1.f, 1.f, 13);
  const size_t out_size = pass == Pass::kForward        ? size_t(s.M) * s.N
                          : pass == Pass::kBackwardData ? size_t(s.M) * s.K
                                                        : size_t(s.N) * s.K;
  DeviceBuffer out(out_size * 4), ref(out_size * 4);
  if (libcnn) {
    libcnn_linear(s, pass, x.f(), w.f(), dy.f(), out.f());
    cublas_linear(s, pass, x.f(), w.f(), dy.f(), ref.f());
    if (!outputs_match(state, out.f(), ref.f(), out_size, "linear")) return;
    time_with_events(state, [&] { libcnn_linear(s, pass, x.f(), w.f(), dy.f(), out.f()); });
  } else {
    time_with_events(state, [&] { cublas_linear(s, pass, x.f(), w.f(), dy.f(), ref.f()); });
  }
  const double bytes = 4.0 * (double(s.M) * s.K + double(s.N) * s.K + double(s.M) * s.N);
  set_work(state, 2.0 * s.M * s.N * s.K, bytes);
}

// Square row-major C = A * B.
void run_square_sgemm(benchmark::State& state, int n, bool libcnn) {
  const DeviceBuffer a = random_device(size_t(n) * n, -1.f, 1.f, 21);
  const DeviceBuffer b = random_device(size_t(n) * n, -1.f, 1.f, 22);
  DeviceBuffer c(size_t(n) * n * 4), ref(size_t(n) * n * 4);
  const float one = 1.f, zero = 0.f;
  // Row-major C = A B is column-major C^T = B^T A^T.
  auto cublas_run = [&] {
    check(cublasSgemm(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, b.f(), n, a.f(), n, &zero,
                      ref.f(), n),
          "cublasSgemm");
  };
  auto libcnn_run = [&] {
    kernels::cuda::sgemm(false, false, n, n, n, a.f(), n, b.f(), n, nullptr, c.f(), n, nullptr);
  };
  if (libcnn) {
    libcnn_run();
    cublas_run();
    if (!outputs_match(state, c.f(), ref.f(), size_t(n) * n, "sgemm")) return;
    time_with_events(state, libcnn_run);
  } else {
    time_with_events(state, cublas_run);
  }
  set_work(state, 2.0 * n * n * n, 12.0 * n * n);
}

const bool registered = [] {
  const LinearShape layers[] = {{64, 1024, 80000}, {64, 2, 1024}};
  const std::pair<Pass, const char*> passes[] = {{Pass::kForward, "forward"},
                                                 {Pass::kBackwardData, "backward_data"},
                                                 {Pass::kBackwardWeight, "backward_weight"}};
  for (const auto& [pass, pass_name] : passes)
    for (const LinearShape& s : layers)
      for (bool libcnn : {true, false}) {
        const std::string name = std::string("cuda/linear_") + pass_name + "/M64_" +
                                 std::to_string(s.K) + "to" + std::to_string(s.N) + "/" +
                                 (libcnn ? "libcnn" : "cublas");
        register_gpu_benchmark(name, [s, pass = pass, libcnn](benchmark::State& state) {
          run_linear(state, s, pass, libcnn);
        });
      }
  for (int n : {1024, 2048, 4096})
    for (bool libcnn : {true, false})
      register_gpu_benchmark(
          "cuda/sgemm/" + std::to_string(n) + "/" + (libcnn ? "libcnn" : "cublas"),
          [n, libcnn](benchmark::State& state) { run_square_sgemm(state, n, libcnn); });
  return true;
}();

}  // namespace
}  // namespace cnn::bench::cuda
