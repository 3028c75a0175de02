// Storage allocation: aligned host memory for CPU, the caching allocator for CUDA (see
// allocator.h for the size-class policy).
#include "cnn/allocator.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <vector>

#include "cnn/detail/backend.h"
#include "cnn/error.h"

namespace cnn {
namespace {

constexpr size_t kHostAlignment = 64;  // a cache line; also what AVX-512 loads like

#if defined(CNN_WITH_CUDA)
constexpr size_t kSmallLimit = size_t(1) << 20;
constexpr size_t kSmallRound = 512;
constexpr size_t kLargeRound = size_t(2) << 20;

size_t size_class(size_t bytes) {
  const size_t round = bytes < kSmallLimit ? kSmallRound : kLargeRound;
  return (bytes + round - 1) / round * round;
}

class CudaCachingAllocator {
 public:
  void* allocate(size_t bytes) {
    const size_t cls = size_class(bytes == 0 ? 1 : bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    void* ptr = nullptr;
    auto it = free_.find(cls);
    if (it != free_.end() && !it->second.empty()) {
      ptr = it->second.back();
      it->second.pop_back();
      stats_.cached_bytes -= static_cast<int64_t>(cls);
    } else {
      ptr = device_malloc(cls, bytes);
    }
    sizes_[ptr] = cls;
    stats_.bytes_in_use += static_cast<int64_t>(cls);
    if (stats_.bytes_in_use > stats_.peak_bytes) stats_.peak_bytes = stats_.bytes_in_use;
    return ptr;
  }

  void release(void* ptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sizes_.find(ptr);
    if (it == sizes_.end()) return;  // not ours: cannot happen through Storage
    const size_t cls = it->second;
    sizes_.erase(it);
    free_[cls].push_back(ptr);
    stats_.bytes_in_use -= static_cast<int64_t>(cls);
    stats_.cached_bytes += static_cast<int64_t>(cls);
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    free_cached_locked();
  }

  CudaMemoryStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.peak_bytes = stats_.bytes_in_use;
  }

 private:
  void* device_malloc(size_t cls, size_t requested) {
    void* ptr = nullptr;
    cudaError_t err = cudaMalloc(&ptr, cls);
    if (err == cudaErrorMemoryAllocation) {
      // Cached blocks of other size classes may be what is missing: return them and retry once.
      (void)cudaGetLastError();
      free_cached_locked();
      err = cudaMalloc(&ptr, cls);
    }
    if (err == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      throw Error("CUDA out of memory: tried to allocate " + std::to_string(requested) +
                  " bytes with " + std::to_string(stats_.bytes_in_use) +
                  " bytes already in use by libcnn tensors; try a smaller batch size");
    }
    detail::cuda_check(err, "cudaMalloc", __FILE__, __LINE__);
    ++stats_.device_allocations;
    return ptr;
  }

  void free_cached_locked() {
    for (auto& [cls, blocks] : free_) {
      for (void* p : blocks) (void)cudaFree(p);  // errors here are unrecoverable and harmless
      stats_.cached_bytes -= static_cast<int64_t>(cls * blocks.size());
      blocks.clear();
    }
  }

  std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_;
  std::map<void*, size_t> sizes_;
  CudaMemoryStats stats_;
};

CudaCachingAllocator& cuda_allocator() {
  // Leaked on purpose: tensors in static objects may be destroyed after any allocator would be,
  // and the driver reclaims device memory at process exit anyway.
  static auto* allocator = new CudaCachingAllocator();
  return *allocator;
}
#endif

}  // namespace

Storage::Storage(size_t nbytes, Device dev) : bytes(nbytes), device(dev) {
  if (dev.is_cpu()) {
    const size_t rounded = (nbytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
    data = std::aligned_alloc(kHostAlignment, rounded == 0 ? kHostAlignment : rounded);
    if (data == nullptr) {
      throw Error("out of host memory: tried to allocate " + std::to_string(nbytes) +
                  " bytes; try a smaller batch size");
    }
    return;
  }
#if defined(CNN_WITH_CUDA)
  if (dev.index != 0) throw Error("libcnn supports only cuda:0, got " + dev.str());
  data = cuda_allocator().allocate(nbytes);
#else
  detail::throw_built_without_cuda(("allocating a tensor on " + dev.str()).c_str());
#endif
}

Storage::~Storage() {
  if (device.is_cpu()) {
    std::free(data);
    return;
  }
#if defined(CNN_WITH_CUDA)
  cuda_allocator().release(data);
#endif
}

CudaMemoryStats cuda_memory_stats() {
#if defined(CNN_WITH_CUDA)
  return cuda_allocator().stats();
#else
  return {};
#endif
}

void cuda_empty_cache() {
#if defined(CNN_WITH_CUDA)
  cuda_allocator().empty_cache();
#endif
}

void cuda_reset_peak_memory() {
#if defined(CNN_WITH_CUDA)
  cuda_allocator().reset_peak();
#endif
}

}  // namespace cnn
