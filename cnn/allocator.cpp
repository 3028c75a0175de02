// Storage allocation: one size-class caching allocator per device (see allocator.h for the policy
// and why the CPU has one too). The cache is the same for both; only the backing calls differ.
#include "cnn/allocator.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cnn/detail/backend.h"
#include "cnn/error.h"

namespace cnn {
namespace {

constexpr size_t kHostAlignment = 64;  // a cache line; also what AVX-512 loads like
constexpr size_t kSmallLimit = size_t(1) << 20;
constexpr size_t kSmallRound = 512;
constexpr size_t kLargeRound = size_t(2) << 20;

size_t size_class(size_t bytes) {
  const size_t round = bytes < kSmallLimit ? kSmallRound : kLargeRound;
  return (bytes + round - 1) / round * round;
}

// Where blocks really come from. allocate returns nullptr when the memory is exhausted (and
// throws for any other failure); release never fails.
struct BackingMemory {
  void* (*allocate)(size_t bytes);
  void (*release)(void* ptr);
  const char* out_of_memory;  // the start of the error message
  size_t uncached_below;      // smaller requests go straight to allocate/release (0: none)
};

class CachingAllocator {
 public:
  explicit CachingAllocator(BackingMemory backing) : backing_(backing) {}

  void* allocate(size_t bytes) {
    if (bytes < backing_.uncached_below) return allocate_uncached(bytes);
    const size_t cls = size_class(bytes == 0 ? 1 : bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    void* ptr = nullptr;
    auto it = free_.find(cls);
    if (it != free_.end() && !it->second.empty()) {
      ptr = it->second.back();
      it->second.pop_back();
      stats_.cached_bytes -= static_cast<int64_t>(cls);
    } else {
      ptr = allocate_backing(cls, bytes);
    }
    sizes_[ptr] = cls;
    stats_.bytes_in_use += static_cast<int64_t>(cls);
    if (stats_.bytes_in_use > stats_.peak_bytes) stats_.peak_bytes = stats_.bytes_in_use;
    return ptr;
  }

  // bytes: what was passed to allocate.
  void release(void* ptr, size_t bytes) {
    if (bytes < backing_.uncached_below) return backing_.release(ptr);
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
    release_cached_locked();
  }

  MemoryStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.peak_bytes = stats_.bytes_in_use;
  }

 private:
  // Small blocks skip the cache and its lock; the lock is taken only when memory runs out.
  void* allocate_uncached(size_t bytes) {
    void* ptr = backing_.allocate(bytes);
    if (ptr != nullptr) return ptr;
    std::lock_guard<std::mutex> lock(mutex_);
    return retry_after_releasing_cache_locked(bytes, bytes);
  }

  void* allocate_backing(size_t cls, size_t requested) {
    void* ptr = backing_.allocate(cls);
    if (ptr == nullptr) ptr = retry_after_releasing_cache_locked(cls, requested);
    ++stats_.device_allocations;
    return ptr;
  }

  // Cached blocks of other size classes may be what is missing: return them and retry once.
  void* retry_after_releasing_cache_locked(size_t bytes, size_t requested) {
    release_cached_locked();
    void* ptr = backing_.allocate(bytes);
    if (ptr == nullptr) {
      throw Error(std::string(backing_.out_of_memory) + ": tried to allocate " +
                  std::to_string(requested) + " bytes with " + std::to_string(stats_.bytes_in_use) +
                  " bytes already in use by libcnn tensors; try a smaller batch size");
    }
    return ptr;
  }

  void release_cached_locked() {
    for (auto& [cls, blocks] : free_) {
      for (void* p : blocks) backing_.release(p);
      stats_.cached_bytes -= static_cast<int64_t>(cls * blocks.size());
      blocks.clear();
    }
  }

  const BackingMemory backing_;
  std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_;
  std::map<void*, size_t> sizes_;
  MemoryStats stats_;
};

void* host_allocate(size_t bytes) {
  const size_t rounded = (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
  return std::aligned_alloc(kHostAlignment, rounded == 0 ? kHostAlignment : rounded);
}

// Allocators are leaked on purpose: tensors in static objects may be destroyed after any
// allocator would be, and the OS (or driver) reclaims the memory at process exit anyway.
CachingAllocator& cpu_allocator() {
  // Below 1 MiB the C heap already reuses blocks well (and never mmaps them).
  static auto* allocator =
      new CachingAllocator({host_allocate, std::free, "out of host memory", kSmallLimit});
  return *allocator;
}

#if defined(CNN_WITH_CUDA)
void* device_allocate(size_t bytes) {
  void* ptr = nullptr;
  const cudaError_t err = cudaMalloc(&ptr, bytes);
  if (err == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();  // clear it, so later launch checks report only their own errors
    return nullptr;
  }
  detail::cuda_check(err, "cudaMalloc", __FILE__, __LINE__);
  return ptr;
}

void device_release(void* ptr) {
  (void)cudaFree(ptr);  // errors here are unrecoverable and harmless
}

CachingAllocator& cuda_allocator() {
  static auto* allocator =
      new CachingAllocator({device_allocate, device_release, "CUDA out of memory", 0});
  return *allocator;
}
#endif

}  // namespace

Storage::Storage(size_t nbytes, Device dev) : bytes(nbytes), device(dev) {
  if (dev.is_cpu()) {
    data = cpu_allocator().allocate(nbytes);
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
    cpu_allocator().release(data, bytes);
    return;
  }
#if defined(CNN_WITH_CUDA)
  cuda_allocator().release(data, bytes);
#endif
}

MemoryStats cuda_memory_stats() {
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

MemoryStats cpu_memory_stats() {
  return cpu_allocator().stats();
}

void cpu_empty_cache() {
  cpu_allocator().empty_cache();
}

}  // namespace cnn
