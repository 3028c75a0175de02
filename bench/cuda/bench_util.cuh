// Shared pieces of the CUDA benchmarks (bench/cuda/*.cu): GPU presence, RAII device buffers,
// cuDNN/cuBLAS handles, event timing, correctness checks and counters.
//
// Method (after llm.c's dev/cuda): before timing, every libcnn kernel's output is compared with
// the cuDNN/cuBLAS baseline on the same inputs and the benchmark is skipped with an error on a
// mismatch, so a fast wrong kernel never shows a number. Timing uses cudaEvents around one call
// per iteration (UseManualTime) after warm-up calls. cuDNN runs with CUDNN_FMA_MATH and cuBLAS
// with its default (pure FP32) math: no TF32 tensor cores, so both sides do the same arithmetic.
// Without a GPU every benchmark reports SkipWithError("no CUDA device") and the binary still runs.
#pragma once

#include <benchmark/benchmark.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/random_hash.h"

namespace cnn::bench::cuda {

inline bool gpu_available() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
inline void check(cudnnStatus_t s, const char* what) {
  if (s != CUDNN_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + cudnnGetErrorString(s));
}
inline void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": cuBLAS status " + std::to_string(int(s)));
}

// Owns one device allocation.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes) : bytes_(bytes) {
    if (bytes_ > 0) check(cudaMalloc(&ptr_, bytes_), "cudaMalloc");
  }
  DeviceBuffer(DeviceBuffer&& other) noexcept : ptr_(other.ptr_), bytes_(other.bytes_) {
    other.ptr_ = nullptr;
    other.bytes_ = 0;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(DeviceBuffer&&) = delete;
  ~DeviceBuffer() { cudaFree(ptr_); }
  float* f() const { return static_cast<float*>(ptr_); }
  int32_t* i() const { return static_cast<int32_t*>(ptr_); }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_;
};

// n floats uniform in [lo, hi), a pure function of seed (kernels/random_hash.h).
inline std::vector<float> random_floats(size_t n, float lo, float hi, uint64_t seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * kernels::uniform01(seed, i);
  return v;
}

inline void upload(const std::vector<float>& h, const DeviceBuffer& d) {
  check(cudaMemcpy(d.f(), h.data(), h.size() * sizeof(float), cudaMemcpyHostToDevice), "upload");
}

inline DeviceBuffer random_device(size_t n, float lo, float hi, uint64_t seed) {
  DeviceBuffer d(n * sizeof(float));
  upload(random_floats(n, lo, hi, seed), d);
  return d;
}

inline std::vector<float> download(const float* d, size_t n) {
  std::vector<float> h(n);
  check(cudaMemcpy(h.data(), d, n * sizeof(float), cudaMemcpyDeviceToHost), "download");
  return h;
}

// Largest |ours - theirs| relative to the largest |theirs| (a max-norm relative error: robust to
// the many near-zero elements of a gradient). NaN anywhere counts as a mismatch.
inline double max_norm_error(const std::vector<float>& ours, const std::vector<float>& theirs) {
  double diff = 0, scale = 1e-30;
  for (size_t i = 0; i < ours.size(); ++i) {
    if (std::isnan(ours[i]) != std::isnan(theirs[i])) return INFINITY;
    diff = std::max(diff, std::fabs(double(ours[i]) - double(theirs[i])));
    scale = std::max(scale, std::fabs(double(theirs[i])));
  }
  return diff / scale;
}

// Compares two device arrays of n floats; on mismatch skips the benchmark and returns false.
inline bool outputs_match(benchmark::State& state, const float* ours, const float* theirs, size_t n,
                          const char* what, double tolerance = 1e-4) {
  check(cudaDeviceSynchronize(), what);
  const double err = max_norm_error(download(ours, n), download(theirs, n));
  if (!(err <= tolerance)) {
    state.SkipWithError((std::string(what) + ": libcnn differs from the baseline, max-norm error " +
                         std::to_string(err))
                            .c_str());
    return false;
  }
  state.counters["max_err"] = err;
  return true;
}

inline cudnnHandle_t cudnn() {
  static cudnnHandle_t handle = [] {
    cudnnHandle_t h;
    check(cudnnCreate(&h), "cudnnCreate");
    return h;
  }();
  return handle;
}

inline cublasHandle_t cublas() {
  static cublasHandle_t handle = [] {
    cublasHandle_t h;
    check(cublasCreate(&h), "cublasCreate");
    return h;
  }();
  return handle;
}

// Times `run` (which enqueues work on the default stream) with cudaEvents, one call per benchmark
// iteration, after `warmup` untimed calls.
template <class Run>
void time_with_events(benchmark::State& state, Run&& run, int warmup = 3) {
  for (int i = 0; i < warmup; ++i) run();
  check(cudaDeviceSynchronize(), "warm-up");
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  for (auto _ : state) {
    cudaEventRecord(start);
    run();
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0.f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(double(ms) * 1e-3);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  check(cudaGetLastError(), "benchmarked kernels");
}

// flops as a rate counter (FLOP/s), bytes as the minimum traffic of one call.
inline void set_work(benchmark::State& state, double flops, double bytes) {
  if (flops > 0)
    state.counters["flops"] =
        benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(bytes) * int64_t(state.iterations()));
}

// Registers fn under `name` with manual time; the body checks gpu_available() itself.
template <class Fn>
void register_gpu_benchmark(const std::string& name, Fn fn) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [fn](benchmark::State& state) {
                                 if (!gpu_available()) {
                                   state.SkipWithError("no CUDA device");
                                   return;
                                 }
                                 try {
                                   fn(state);
                                 } catch (const std::exception& e) {
                                   state.SkipWithError(e.what());
                                 }
                               })
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

// 4-D NCHW float tensor descriptor.
class TensorDesc {
 public:
  TensorDesc(int n, int c, int h, int w) {
    check(cudnnCreateTensorDescriptor(&d_), "cudnnCreateTensorDescriptor");
    check(cudnnSetTensor4dDescriptor(d_, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, c, h, w),
          "cudnnSetTensor4dDescriptor");
  }
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
  ~TensorDesc() { cudnnDestroyTensorDescriptor(d_); }
  operator cudnnTensorDescriptor_t() const { return d_; }

 private:
  cudnnTensorDescriptor_t d_;
};

}  // namespace cnn::bench::cuda
