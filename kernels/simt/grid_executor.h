// SIMT harness, part 7: runs a whole grid. Blocks are handed out one at a time, through an atomic
// counter, to a pool of OS threads (CNN_SIMT_THREADS, default: the core count, the launching thread
// included); each OS thread runs its blocks with its own BlockRunner.
//
// Choices that matter:
// - Launches are synchronous: launch() returns when every block has finished. Streams are serial
//   anyway, so host code that syncs correctly on a GPU behaves the same here.
// - The pool is created on first use and kept; a one-block grid runs on the launching thread
//   without waking anyone (launch overhead matters: tests launch thousands of small kernels).
// - After fork() the pool's threads do not exist in the child, so a child process (death tests)
//   runs every block on its own thread instead of waiting for workers that will never come.
#pragma once

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/simt/block_runner.h"
#include "kernels/simt/runtime_api.h"

namespace cnn::simt::detail {

class GridExecutor {
 public:
  // Never destroyed, like the allocation table: static destructors may still launch kernels, and
  // idle workers blocked on the condition variable need nothing else when the process exits.
  static GridExecutor& instance() {
    static GridExecutor* const executor = new GridExecutor(worker_count() - 1);
    return *executor;
  }
  GridExecutor(const GridExecutor&) = delete;
  GridExecutor& operator=(const GridExecutor&) = delete;

  // Runs every block of `launch`; returns when all have finished.
  void run(const BlockLaunch& launch) {
    const std::uint64_t blocks =
        std::uint64_t{launch.grid.x} * launch.grid.y * std::uint64_t{launch.grid.z};
    if (blocks == 1 || workers_ == 0 || getpid() != owner_pid_) {
      BlockRunner& runner = BlockRunner::of_this_thread();
      for (std::uint64_t b = 0; b < blocks; ++b) runner.run(launch, block_index(launch.grid, b));
      return;
    }
    std::lock_guard<std::mutex> one_launch_at_a_time(launch_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &launch;
      job_blocks_ = blocks;
      next_block_.store(0, std::memory_order_relaxed);
      busy_workers_ = workers_;
      ++generation_;
    }
    work_cv_.notify_all();
    run_blocks(launch, blocks);
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return busy_workers_ == 0; });
    job_ = nullptr;
  }

 private:
  explicit GridExecutor(int workers) : owner_pid_(getpid()), workers_(workers) {
    for (int i = 0; i < workers; ++i) std::thread([this] { worker_loop(); }).detach();
  }

  static uint3 block_index(dim3 grid, std::uint64_t linear) {
    return uint3{static_cast<unsigned>(linear % grid.x),
                 static_cast<unsigned>((linear / grid.x) % grid.y),
                 static_cast<unsigned>(linear / (std::uint64_t{grid.x} * grid.y))};
  }

  void run_blocks(const BlockLaunch& launch, std::uint64_t blocks) {
    BlockRunner& runner = BlockRunner::of_this_thread();
    for (;;) {
      const std::uint64_t b = next_block_.fetch_add(1, std::memory_order_relaxed);
      if (b >= blocks) return;
      runner.run(launch, block_index(launch.grid, b));
    }
  }

  [[noreturn]] void worker_loop() {
    std::uint64_t seen = 0;
    for (;;) {
      const BlockLaunch* job = nullptr;
      std::uint64_t blocks = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_cv_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        job = job_;
        blocks = job_blocks_;
      }
      run_blocks(*job, blocks);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--busy_workers_ == 0) done_cv_.notify_one();
    }
  }

  const pid_t owner_pid_;
  const int workers_;        // pool threads besides the launching one
  std::mutex launch_mutex_;  // host threads launching concurrently take turns
  std::mutex mutex_;         // guards the fields below
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::uint64_t generation_ = 0;
  const BlockLaunch* job_ = nullptr;
  std::uint64_t job_blocks_ = 0;
  int busy_workers_ = 0;
  std::atomic<std::uint64_t> next_block_{0};
};

// The driver's launch checks. Returns the error a GPU launch would report, or cudaSuccess.
inline cudaError_t check_launch(const void* kernel, dim3 grid, dim3 block, std::size_t smem_bytes,
                                cudaStream_t stream) {
  if (kernel == nullptr) return cudaErrorInvalidDeviceFunction;
  if (block.x == 0 || block.y == 0 || block.z == 0 || block.x > 1024 || block.y > 1024 ||
      block.z > 64 ||
      std::uint64_t{block.x} * block.y * block.z >
          static_cast<std::uint64_t>(kMaxThreadsPerBlock)) {
    return cudaErrorInvalidConfiguration;
  }
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.x > 2147483647u || grid.y > 65535 ||
      grid.z > 65535) {
    return cudaErrorInvalidConfiguration;
  }
  // Too much dynamic shared memory is "invalid argument" on real drivers, not a config error.
  if (smem_bytes > max_dynamic_smem(kernel)) return cudaErrorInvalidValue;
  if (!valid_stream(stream)) return cudaErrorInvalidResourceHandle;
  return cudaSuccess;
}

}  // namespace cnn::simt::detail

namespace cnn::simt {

// Runs kernel<<<grid, block, smem_bytes, stream>>>(args...) on the CPU, synchronously. A launch
// the driver would reject does not run and sets the last error (cudaGetLastError), like CUDA.
template <typename... Params, typename... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t smem_bytes,
            cudaStream_t stream, Args&&... args) {
  static_assert(sizeof...(Params) == sizeof...(Args), "kernel launched with wrong argument count");
  if (detail::BlockRunner::active() != nullptr) {
    detail::fatal("a kernel launched a kernel: dynamic parallelism is not emulated");
  }
  const cudaError_t error =
      detail::check_launch(reinterpret_cast<const void*>(kernel), grid, block, smem_bytes, stream);
  if (error != cudaSuccess) {
    detail::record(error);
    return;
  }
  // Arguments are converted to the parameter types once, as the driver copies them; each GPU
  // thread then gets its own by-value copies.
  struct Bound {
    void (*kernel)(Params...);
    std::tuple<std::decay_t<Params>...> args;
  };
  const Bound bound{kernel, std::tuple<std::decay_t<Params>...>(std::forward<Args>(args)...)};
  const detail::KernelCall call{[](const void* p) {
                                  const Bound& b = *static_cast<const Bound*>(p);
                                  std::apply(b.kernel, b.args);
                                },
                                &bound};
  detail::GridExecutor::instance().run(
      detail::BlockLaunch{call, grid, block, smem_bytes, schedule()});
}

}  // namespace cnn::simt
