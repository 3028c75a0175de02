// The CUDA runtime API subset of the SIMT harness: allocation poisoning and tracking, copies and
// memsets checked against live allocations, host allocations, events, streams, device queries
// and error names/strings with CUDA's numeric values.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "kernels/cuda/runtime.h"

TEST_CASE("cudaMalloc memory is 256-byte aligned and reads as NaN", "[simt][runtime]") {
  float* p = nullptr;
  REQUIRE(cudaMalloc(&p, 1000 * sizeof(float)) == cudaSuccess);
  REQUIRE(reinterpret_cast<std::uintptr_t>(p) % 256 == 0);
  std::vector<float> h(1000, 0.0f);
  REQUIRE(cudaMemcpy(h.data(), p, 1000 * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess);
  for (float v : h) REQUIRE(std::isnan(v));
  REQUIRE(cudaFree(p) == cudaSuccess);

  void* zero = reinterpret_cast<void*>(0x1);
  REQUIRE(cudaMalloc(&zero, 0) == cudaSuccess);
  REQUIRE(zero == nullptr);
  REQUIRE(cudaMalloc(static_cast<void**>(nullptr), 16) == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
}

TEST_CASE("cudaFree rejects pointers it did not allocate", "[simt][runtime]") {
  int host_value = 0;
  // volatile: otherwise GCC sees the (never executed) free() of a stack address and warns.
  void* volatile host_pointer = &host_value;
  REQUIRE(cudaFree(nullptr) == cudaSuccess);
  REQUIRE(cudaFree(host_pointer) == cudaErrorInvalidDevicePointer);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidDevicePointer);
  void* p = nullptr;
  REQUIRE(cudaMalloc(&p, 64) == cudaSuccess);
  REQUIRE(cudaFree(static_cast<char*>(p) + 4) == cudaErrorInvalidDevicePointer);  // interior
  REQUIRE(cudaFree(p) == cudaSuccess);
  REQUIRE(cudaFree(p) == cudaErrorInvalidDevicePointer);  // double free
  cudaGetLastError();
}

TEST_CASE("copies and memsets must stay inside one live device allocation", "[simt][runtime]") {
  std::vector<float> host(64, 1.5f), back(64, 0.0f);
  float *a = nullptr, *b = nullptr;
  REQUIRE(cudaMalloc(&a, 64 * sizeof(float)) == cudaSuccess);
  REQUIRE(cudaMalloc(&b, 64 * sizeof(float)) == cudaSuccess);
  const std::size_t bytes = 64 * sizeof(float);

  REQUIRE(cudaMemcpy(a, host.data(), bytes, cudaMemcpyHostToDevice) == cudaSuccess);
  REQUIRE(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice) == cudaSuccess);
  REQUIRE(cudaMemcpy(back.data(), b, bytes, cudaMemcpyDeviceToHost) == cudaSuccess);
  REQUIRE(back == host);

  // Interior ranges are fine; one byte past the end is not.
  REQUIRE(cudaMemcpy(a + 32, host.data(), 32 * sizeof(float), cudaMemcpyHostToDevice) ==
          cudaSuccess);
  REQUIRE(cudaMemcpy(a + 32, host.data(), 32 * sizeof(float) + 1, cudaMemcpyHostToDevice) ==
          cudaErrorInvalidValue);
  // Direction mix-ups: a host pointer where a device pointer belongs.
  REQUIRE(cudaMemcpy(host.data(), a, bytes, cudaMemcpyHostToDevice) == cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(back.data(), host.data(), bytes, cudaMemcpyDeviceToHost) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(a, host.data(), bytes, cudaMemcpyDeviceToDevice) == cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(a, b, bytes, static_cast<cudaMemcpyKind>(7)) ==
          cudaErrorInvalidMemcpyDirection);
  // Default and HostToHost infer/skip the device checks.
  REQUIRE(cudaMemcpy(back.data(), a, bytes, cudaMemcpyDefault) == cudaSuccess);
  REQUIRE(cudaMemcpy(back.data(), host.data(), bytes, cudaMemcpyHostToHost) == cudaSuccess);
  REQUIRE(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, nullptr) == cudaSuccess);

  REQUIRE(cudaMemset(a, 0, bytes) == cudaSuccess);
  REQUIRE(cudaMemcpy(back.data(), a, bytes, cudaMemcpyDeviceToHost) == cudaSuccess);
  for (float v : back) REQUIRE(v == 0.0f);
  REQUIRE(cudaMemset(a, 0, bytes + 1) == cudaErrorInvalidValue);
  REQUIRE(cudaMemset(host.data(), 0, bytes) == cudaErrorInvalidValue);
  REQUIRE(cudaMemsetAsync(b, 0, bytes, nullptr) == cudaSuccess);

  REQUIRE(cudaFree(a) == cudaSuccess);
  REQUIRE(cudaMemcpy(back.data(), a, bytes, cudaMemcpyDeviceToHost) == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  REQUIRE(cudaFree(b) == cudaSuccess);
}

TEST_CASE("pinned host allocations", "[simt][runtime]") {
  float* h = nullptr;
  REQUIRE(cudaMallocHost(&h, 256 * sizeof(float)) == cudaSuccess);
  REQUIRE(h != nullptr);
  h[255] = 3.0f;
  void* h2 = nullptr;
  REQUIRE(cudaHostAlloc(&h2, 64, cudaHostAllocDefault) == cudaSuccess);
  REQUIRE(cudaFreeHost(h2) == cudaSuccess);
  REQUIRE(cudaFreeHost(h2) == cudaErrorInvalidValue);
  REQUIRE(cudaFreeHost(h) == cudaSuccess);
  cudaGetLastError();
}

TEST_CASE("events measure elapsed host time between records", "[simt][runtime]") {
  cudaEvent_t start = nullptr, stop = nullptr;
  REQUIRE(cudaEventCreate(&start) == cudaSuccess);
  REQUIRE(cudaEventCreateWithFlags(&stop, cudaEventDefault) == cudaSuccess);
  float ms = -1.0f;
  REQUIRE(cudaEventElapsedTime(&ms, start, stop) == cudaErrorInvalidResourceHandle);  // unrecorded
  // The host clock read around both records bounds the events' interval from above: a reference,
  // not a time limit, so a loaded machine cannot fail the test.
  const auto host_before = std::chrono::steady_clock::now();
  REQUIRE(cudaEventRecord(start, nullptr) == cudaSuccess);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(cudaEventRecord(stop) == cudaSuccess);
  REQUIRE(cudaEventSynchronize(stop) == cudaSuccess);
  const double host_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - host_before)
          .count();
  REQUIRE(cudaEventElapsedTime(&ms, start, stop) == cudaSuccess);
  REQUIRE(ms >= 19.0f);
  REQUIRE(ms <= host_ms + 0.01);
  REQUIRE(cudaEventDestroy(start) == cudaSuccess);
  REQUIRE(cudaEventDestroy(start) == cudaErrorInvalidResourceHandle);
  REQUIRE(cudaEventDestroy(stop) == cudaSuccess);
  cudaGetLastError();
}

TEST_CASE("streams: create, synchronise, destroy", "[simt][runtime]") {
  cudaStream_t s = nullptr, t = nullptr;
  REQUIRE(cudaStreamCreate(&s) == cudaSuccess);
  REQUIRE(cudaStreamCreateWithFlags(&t, cudaStreamNonBlocking) == cudaSuccess);
  REQUIRE(s != t);
  REQUIRE(cudaStreamSynchronize(s) == cudaSuccess);
  REQUIRE(cudaStreamSynchronize(nullptr) == cudaSuccess);  // the default stream
  REQUIRE(cudaStreamDestroy(s) == cudaSuccess);
  REQUIRE(cudaStreamDestroy(t) == cudaSuccess);
  REQUIRE(cudaStreamDestroy(t) == cudaErrorInvalidResourceHandle);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  cudaGetLastError();
}

TEST_CASE("device queries describe one SIMT device", "[simt][runtime]") {
  int count = 0, device = -1;
  REQUIRE(cudaGetDeviceCount(&count) == cudaSuccess);
  REQUIRE(count == 1);
  REQUIRE(cudaSetDevice(0) == cudaSuccess);
  REQUIRE(cudaSetDevice(1) == cudaErrorInvalidDevice);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidDevice);
  REQUIRE(cudaGetDevice(&device) == cudaSuccess);
  REQUIRE(device == 0);
  cudaDeviceProp prop;
  REQUIRE(cudaGetDeviceProperties(&prop, 0) == cudaSuccess);
  REQUIRE(std::strcmp(prop.name, "SIMT (CPU)") == 0);
  REQUIRE(prop.warpSize == 32);
  REQUIRE(prop.maxThreadsPerBlock == 1024);
  REQUIRE(prop.sharedMemPerBlock == 48 * 1024);
  REQUIRE(prop.multiProcessorCount >= 1);
  REQUIRE(prop.totalGlobalMem > 0);
  int sms = 0;
  REQUIRE(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0) == cudaSuccess);
  REQUIRE(sms == prop.multiProcessorCount);
  std::size_t free_bytes = 0, total_bytes = 0;
  REQUIRE(cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess);
  REQUIRE(free_bytes <= total_bytes);
  REQUIRE(total_bytes == prop.totalGlobalMem);
}

TEST_CASE("error codes carry CUDA's values, names and strings", "[simt][runtime]") {
  REQUIRE(static_cast<int>(cudaErrorInvalidValue) == 1);
  REQUIRE(static_cast<int>(cudaErrorMemoryAllocation) == 2);
  REQUIRE(static_cast<int>(cudaErrorInvalidConfiguration) == 9);
  REQUIRE(static_cast<int>(cudaErrorInvalidDevicePointer) == 17);
  REQUIRE(static_cast<int>(cudaErrorInvalidMemcpyDirection) == 21);
  REQUIRE(static_cast<int>(cudaErrorNoDevice) == 100);
  REQUIRE(static_cast<int>(cudaErrorInvalidDevice) == 101);
  REQUIRE(std::strcmp(cudaGetErrorName(cudaErrorInvalidConfiguration),
                      "cudaErrorInvalidConfiguration") == 0);
  REQUIRE(std::strcmp(cudaGetErrorString(cudaErrorInvalidConfiguration),
                      "invalid configuration argument") == 0);
  REQUIRE(std::strcmp(cudaGetErrorString(cudaSuccess), "no error") == 0);
  REQUIRE(std::strcmp(cudaGetErrorString(cudaErrorMemoryAllocation), "out of memory") == 0);
}
