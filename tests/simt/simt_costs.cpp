// Prints what the SIMT harness costs on this machine: launch overhead, one barrier and one shuffle
// per emulated thread, and a 256^3 16x16-tiled SGEMM. The numbers quoted in docs/simt.md come from
// here. Not a test: timings vary with the machine. Single-block figures are CPU time of the
// launching thread (which runs one-block grids itself), so other load on the machine does not
// inflate them; the multi-block SGEMM reports wall time and process CPU time.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "tests/simt/sample_kernels.h"

namespace {

using cnn::kernels::cuda::launch;
using cnn::simt::test::DeviceBuffer;
using Clock = std::chrono::steady_clock;

__global__ void empty_kernel() {}

__global__ void barriers(int rounds, int* sink) {
  int acc = 0;
  for (int r = 0; r < rounds; ++r) {
    acc += r;
    __syncthreads();
  }
  if (threadIdx.x == 0) *sink = acc;
}

__global__ void shuffles(int rounds, float* sink) {
  float v = static_cast<float>(threadIdx.x);
  for (int r = 0; r < rounds; ++r) v = __shfl_xor_sync(0xffffffffu, v, r & 31);
  if (threadIdx.x == 0) *sink = v;
}

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// CPU seconds the calling thread spends in f().
template <typename F>
double thread_seconds(F&& f) {
  const double start = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  f();
  return cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - start;
}

}  // namespace

int main() {
  std::printf("SIMT harness costs (%d block threads)\n", cnn::simt::worker_count());

  launch(empty_kernel, dim3(1), dim3(256), 0, nullptr);  // creates fibers and the pool
  launch(empty_kernel, dim3(64), dim3(256), 0, nullptr);
  const int launches = 2000;
  const double one_block = thread_seconds([&] {
    for (int i = 0; i < launches; ++i) launch(empty_kernel, dim3(1), dim3(32), 0, nullptr);
  });
  const auto wall_start = Clock::now();
  for (int i = 0; i < launches / 10; ++i) launch(empty_kernel, dim3(8), dim3(32), 0, nullptr);
  const double many_blocks =
      std::chrono::duration<double>(Clock::now() - wall_start).count() / (launches / 10);
  std::printf("launch, empty kernel, 1 block x 32 threads:  %8.2f us CPU\n",
              1e6 * one_block / launches);
  std::printf("launch, empty kernel, 8 blocks x 32 threads: %8.2f us wall (wakes the pool)\n",
              1e6 * many_blocks);

  DeviceBuffer<int> isink(1);
  DeviceBuffer<float> fsink(1);
  const int threads = 256, rounds = 2000;
  const double barrier_s = thread_seconds(
      [&] { launch(barriers, dim3(1), dim3(threads), 0, nullptr, rounds, isink.get()); });
  std::printf("__syncthreads, per thread per barrier:      %8.2f ns CPU\n",
              1e9 * barrier_s / (double{rounds} * threads));
  const double shuffle_s = thread_seconds(
      [&] { launch(shuffles, dim3(1), dim3(threads), 0, nullptr, rounds, fsink.get()); });
  std::printf("__shfl_xor_sync, per thread per shuffle:    %8.2f ns CPU\n",
              1e9 * shuffle_s / (double{rounds} * threads));

  const int n = 256;
  DeviceBuffer<float> a(std::vector<float>(n * n, 0.5f)), b(std::vector<float>(n * n, 0.25f)),
      c(n * n);
  const dim3 grid(n / 16, n / 16), block(16, 16);
  launch(cnn::simt::test::sgemm_tiled, grid, block, 0, nullptr, n, n, n, a.get(), b.get(), c.get());
  const int reps = 5;
  const double cpu_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  const auto gemm_start = Clock::now();
  for (int i = 0; i < reps; ++i) {
    launch(cnn::simt::test::sgemm_tiled, grid, block, 0, nullptr, n, n, n, a.get(), b.get(),
           c.get());
  }
  const double gemm_wall = std::chrono::duration<double>(Clock::now() - gemm_start).count();
  const double gemm_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  const float c0 = c.to_host()[0];
  std::printf(
      "SGEMM 256^3, 16x16 tiles:                   %8.2f ms wall, %.2f ms CPU "
      "(C[0] = %g, expect %g)\n",
      1e3 * gemm_wall / reps, 1e3 * gemm_cpu / reps, c0, 0.5 * 0.25 * n);
  return cudaGetLastError() == cudaSuccess ? 0 : 1;
}
