// Memory for tensors, from one caching allocator per device: freed blocks go to per-size-class free
// lists and are reused, so a training loop calls cudaMalloc (or the C heap) only while its working
// set grows (first step), never per step.
//
// Why the CPU needs it too: a seed-network step frees and reallocates activations of 80-160 MB.
// glibc serves blocks that large with mmap and returns them with munmap, so every step faulted
// in about 1.5 GB of fresh zero pages; the kernel's page-fault time was a third of a training
// run's CPU time before this cache.
//
// Size classes: requests round up to 512 B below 1 MiB and to 2 MiB above, and a block is reused
// only for a request of exactly its class. Simple and fragmentation-bounded (at most one class of
// slack per block); it does not split or merge blocks. CPU blocks below 1 MiB bypass the cache
// (the C heap already reuses small blocks well); CPU memory is 64-byte aligned.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cnn/device.h"

namespace cnn {

// One contiguous allocation on one device; returned to its allocator when the last owner drops it.
struct Storage {
  Storage(size_t bytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data = nullptr;
  size_t bytes = 0;
  Device device;
};

// Counts of the caching allocator of one device. On the CPU they cover cached (>= 1 MiB) blocks.
struct MemoryStats {
  int64_t bytes_in_use = 0;        // handed out to live storages (rounded to the size class)
  int64_t peak_bytes = 0;          // high-water mark of bytes_in_use
  int64_t cached_bytes = 0;        // held in free lists, ready for reuse
  int64_t device_allocations = 0;  // cudaMalloc / C-heap calls so far (tests check reuse with it)
};
using CudaMemoryStats = MemoryStats;

MemoryStats cuda_memory_stats();
// Returns every cached block to the driver (cudaFree). Live storages are untouched.
void cuda_empty_cache();
// Resets peak_bytes to the current bytes_in_use.
void cuda_reset_peak_memory();

MemoryStats cpu_memory_stats();
// Returns every cached host block to the C heap (and so, for large blocks, to the system).
void cpu_empty_cache();

}  // namespace cnn
