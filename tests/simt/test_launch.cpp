// Launching through cnn::kernels::cuda::launch under the SIMT harness: limits reported through
// cudaGetLastError as the driver reports them (never an abort), grid/block indexing of every
// thread exactly once, argument conversion, dynamic shared memory, and launches from a forked
// child (where the block thread pool does not exist).
#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <vector>

#include "tests/simt/death_test.h"
#include "tests/simt/sample_kernels.h"

namespace {

using cnn::kernels::cuda::launch;
using cnn::simt::test::DeviceBuffer;
using cnn::simt::test::run_in_child;

__global__ void mark(int* flag) {
  atomicAdd(flag, 1);
}

__global__ void big_dynamic_smem(float* out) {
  CNN_DYN_SHARED(float, buffer);
  buffer[threadIdx.x] = static_cast<float>(threadIdx.x);
  __syncthreads();
  out[threadIdx.x] = buffer[blockDim.x - 1 - threadIdx.x];
}

// Counts how many times each (block, thread) ran and checks the built-in dimensions.
__global__ void count_each_thread(int* hits, int* bad_dims, dim3 expected_grid,
                                  dim3 expected_block) {
  if (gridDim.x != expected_grid.x || gridDim.y != expected_grid.y ||
      gridDim.z != expected_grid.z || blockDim.x != expected_block.x ||
      blockDim.y != expected_block.y || blockDim.z != expected_block.z) {
    atomicAdd(bad_dims, 1);
  }
  const int64_t block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * int64_t{blockIdx.z});
  const int64_t thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  atomicAdd(&hits[block * (blockDim.x * blockDim.y * blockDim.z) + thread], 1);
}

// Parameters of other types than the arguments: the launch converts like the driver does.
__global__ void convert_args(int64_t n, double scale, const float* in, float* out) {
  if (threadIdx.x < n) out[threadIdx.x] = static_cast<float>(in[threadIdx.x] * scale);
}

}  // namespace

TEST_CASE("launches beyond the driver's limits set the last error and do not run",
          "[simt][launch]") {
  DeviceBuffer<int> flag(std::vector<int>{0});
  struct Case {
    dim3 grid, block;
    std::size_t smem;
    cudaError_t expected;
  };
  const Case cases[] = {
      {dim3(1), dim3(1025), 0, cudaErrorInvalidConfiguration},
      {dim3(1), dim3(32, 32, 2), 0, cudaErrorInvalidConfiguration},
      {dim3(1), dim3(1, 1, 65), 0, cudaErrorInvalidConfiguration},
      {dim3(1), dim3(0), 0, cudaErrorInvalidConfiguration},
      {dim3(0), dim3(32), 0, cudaErrorInvalidConfiguration},
      {dim3(1, 65536), dim3(32), 0, cudaErrorInvalidConfiguration},
      {dim3(1, 1, 65536), dim3(32), 0, cudaErrorInvalidConfiguration},
      {dim3(1), dim3(32), 48 * 1024 + 1, cudaErrorInvalidValue},
  };
  for (const Case& c : cases) {
    launch(mark, c.grid, c.block, c.smem, nullptr, flag.get());
    INFO("grid " << c.grid.x << "x" << c.grid.y << "x" << c.grid.z << " block " << c.block.x << "x"
                 << c.block.y << "x" << c.block.z << " smem " << c.smem);
    REQUIRE(cudaPeekAtLastError() == c.expected);  // peek keeps it...
    REQUIRE(cudaGetLastError() == c.expected);     // ...get returns and clears it
    REQUIRE(cudaGetLastError() == cudaSuccess);
  }
  REQUIRE(flag.to_host()[0] == 0);
  // The largest valid shapes do run.
  launch(mark, dim3(1), dim3(32, 32, 1), 48 * 1024, nullptr, flag.get());
  launch(mark, dim3(1), dim3(1, 1, 64), 0, nullptr, flag.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  REQUIRE(flag.to_host()[0] == 1024 + 64);
}

TEST_CASE("cudaFuncSetAttribute raises the dynamic shared memory limit", "[simt][launch]") {
  const int threads = 64;
  const std::size_t bytes = 100 * 1024;
  DeviceBuffer<float> out(threads);
  launch(big_dynamic_smem, dim3(1), dim3(threads), bytes, nullptr, out.get());
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  REQUIRE(cudaFuncSetAttribute(big_dynamic_smem, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(bytes)) == cudaSuccess);
  REQUIRE(cudaFuncSetAttribute(big_dynamic_smem, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               300 * 1024) == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  launch(big_dynamic_smem, dim3(1), dim3(threads), bytes, nullptr, out.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const std::vector<float> h = out.to_host();
  for (int t = 0; t < threads; ++t) REQUIRE(h[t] == static_cast<float>(threads - 1 - t));
}

TEST_CASE("dynamic shared memory is per block, sized by the launch, and starts as NaN",
          "[simt][launch]") {
  struct Kernel {
    // Each block writes only the first half of its 2*blockDim floats, then reads both halves.
    static __global__ void halves(float* written, float* unwritten) {
      CNN_DYN_SHARED(float, buffer);
      const int t = threadIdx.x;
      buffer[t] = static_cast<float>(blockIdx.x * 1000 + t);
      __syncthreads();
      const int i = blockIdx.x * blockDim.x + t;
      written[i] = buffer[blockDim.x - 1 - t];
      unwritten[i] = buffer[blockDim.x + t];
    }
  };
  const int blocks = 8, threads = 96;
  DeviceBuffer<float> written(blocks * threads), unwritten(blocks * threads);
  launch(Kernel::halves, dim3(blocks), dim3(threads), 2 * threads * sizeof(float), nullptr,
         written.get(), unwritten.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const std::vector<float> w = written.to_host(), u = unwritten.to_host();
  for (int b = 0; b < blocks; ++b) {
    for (int t = 0; t < threads; ++t) {
      REQUIRE(w[b * threads + t] == static_cast<float>(b * 1000 + threads - 1 - t));
      REQUIRE(std::isnan(u[b * threads + t]));
    }
  }
}

TEST_CASE("every thread of a 3-D grid of 3-D blocks runs exactly once", "[simt][launch]") {
  const dim3 grid(5, 3, 2), block(7, 4, 3);
  const int total = 5 * 3 * 2 * 7 * 4 * 3;
  DeviceBuffer<int> hits(std::vector<int>(total, 0)), bad(std::vector<int>{0});
  launch(count_each_thread, grid, block, 0, nullptr, hits.get(), bad.get(), grid, block);
  REQUIRE(cudaGetLastError() == cudaSuccess);
  REQUIRE(bad.to_host()[0] == 0);
  const std::vector<int> h = hits.to_host();
  for (int i = 0; i < total; ++i) REQUIRE(h[i] == 1);
}

TEST_CASE("arguments are converted to the kernel's parameter types", "[simt][launch]") {
  DeviceBuffer<float> in(std::vector<float>{1, 2, 3, 4}), out(std::vector<float>{0, 0, 0, 0});
  float* mutable_in = in.get();  // float* -> const float*, int -> int64_t, float -> double
  launch(convert_args, dim3(1), dim3(32), 0, nullptr, 3, 0.5f, mutable_in, out.get());
  REQUIRE(out.to_host() == std::vector<float>{0.5f, 1.0f, 1.5f, 0});
}

TEST_CASE("launches on created streams run; a destroyed stream is rejected", "[simt][launch]") {
  cudaStream_t stream = nullptr;
  REQUIRE(cudaStreamCreate(&stream) == cudaSuccess);
  DeviceBuffer<int> flag(std::vector<int>{0});
  launch(mark, dim3(2), dim3(32), 0, stream, flag.get());
  REQUIRE(cudaStreamSynchronize(stream) == cudaSuccess);
  REQUIRE(cudaGetLastError() == cudaSuccess);
  REQUIRE(flag.to_host()[0] == 64);
  REQUIRE(cudaStreamDestroy(stream) == cudaSuccess);
  launch(mark, dim3(2), dim3(32), 0, stream, flag.get());
  REQUIRE(cudaGetLastError() == cudaErrorInvalidResourceHandle);
  REQUIRE(flag.to_host()[0] == 64);
}

TEST_CASE("a forked child runs multi-block grids without the parent's thread pool",
          "[simt][launch][death]") {
  // Make sure the pool exists in the parent first.
  DeviceBuffer<int> warm(std::vector<int>{0});
  launch(mark, dim3(16), dim3(32), 0, nullptr, warm.get());
  const auto outcome = run_in_child([] {
    DeviceBuffer<int> flag(std::vector<int>{0});
    launch(mark, dim3(16), dim3(32), 0, nullptr, flag.get());
    if (flag.to_host()[0] != 16 * 32) std::abort();
  });
  REQUIRE(outcome.exited_cleanly);
}

#if defined(CNN_SIMT_ASAN)
// Only in -DCNN_SANITIZE=ON builds: the fiber switches are announced to ASan, so kernel memory bugs
// are reported precisely, on device memory, dynamic shared memory and fiber stacks alike.
namespace {
__global__ void store_past_device_allocation(float* out, int n) {
  out[n + threadIdx.x] = 1.0f;
}

__global__ void store_past_dynamic_shared(float* out) {
  CNN_DYN_SHARED(float, buffer);
  buffer[blockDim.x + threadIdx.x] = 1.0f;  // the launch asked for blockDim.x floats
  out[threadIdx.x] = buffer[threadIdx.x];
}

// UBSan's object-size check would catch this store first at -O2 (the CI sanitizer build), and
// the point is to show that ASan tracks fiber stacks, so UBSan is switched off for this function.
__attribute__((no_sanitize_undefined)) __global__ void store_past_local_array(float* out,
                                                                              int index) {
  float local[4] = {0, 0, 0, 0};
  float* through_pointer = local;  // past UBSan's array-bounds check, so ASan must catch it
  through_pointer[index] = 1.0f;
  out[threadIdx.x] = local[threadIdx.x % 4];
}
}  // namespace

TEST_CASE("AddressSanitizer sees out-of-bounds accesses made by kernels", "[simt][asan][death]") {
  const auto device = run_in_child([] {
    DeviceBuffer<float> out(64);
    launch(store_past_device_allocation, dim3(1), dim3(32), 0, nullptr, out.get(), 64);
  });
  REQUIRE_FALSE(device.exited_cleanly);
  REQUIRE_THAT(device.stderr_text, Catch::Contains("heap-buffer-overflow"));

  const auto shared = run_in_child([] {
    DeviceBuffer<float> out(32);
    launch(store_past_dynamic_shared, dim3(1), dim3(32), 32 * sizeof(float), nullptr, out.get());
  });
  REQUIRE_FALSE(shared.exited_cleanly);
  REQUIRE_THAT(shared.stderr_text, Catch::Contains("heap-buffer-overflow"));

  const auto stack = run_in_child([] {
    DeviceBuffer<float> out(32);
    launch(store_past_local_array, dim3(1), dim3(32), 0, nullptr, out.get(), 6);
  });
  REQUIRE_FALSE(stack.exited_cleanly);
  REQUIRE_THAT(stack.stderr_text, Catch::Contains("stack-buffer-overflow"));
}
#endif

namespace {
// Recursion with a 4 KiB frame that it touches: crosses any fiber stack within a few hundred calls.
__device__ float deep(int depth) {
  volatile float frame[1024];
  frame[0] = static_cast<float>(depth);
  frame[1023] = frame[0];
  return depth == 0 ? frame[1023] : deep(depth - 1) + frame[1023];
}

__global__ void overflow_the_stack(float* out) {
  out[threadIdx.x] = deep(100000);
}
}  // namespace

TEST_CASE("a GPU thread that overflows its fiber stack dies instead of corrupting memory",
          "[simt][launch][death]") {
  const auto outcome = run_in_child([] {
    DeviceBuffer<float> out(32);
    launch(overflow_the_stack, dim3(1), dim3(32), 0, nullptr, out.get());
  });
#if defined(CNN_SIMT_ASAN)
  REQUIRE_FALSE(outcome.exited_cleanly);  // ASan's SEGV handler reports and exits
#else
  REQUIRE(outcome.signal == SIGSEGV);
#endif
}
