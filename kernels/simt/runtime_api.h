// SIMT harness, part 6: the subset of the CUDA runtime API that libcnn's host code uses, with
// CUDA's names, signatures and error codes, so launchers and core code are shared between the
// native and the SIMT builds.
//
// Choices that matter:
// - "Device" memory is host memory, 256-byte aligned, filled with 0xFF bytes so an output a kernel
//   forgot to write reads as NaN and cannot pass a test.
// - Device allocations are tracked: cudaFree of an unknown pointer fails with
//   cudaErrorInvalidDevicePointer, and a copy or memset whose device side is not inside one live
//   allocation fails with cudaErrorInvalidValue. That catches real host-code bugs (wrong size,
//   host/device mix-ups, use after free) that plain host memory would hide.
// - Everything is synchronous: streams are serial anyway, and a launch has finished when it
//   returns, so events record host time and synchronisation calls only report errors.
// - Every failing call also sets the calling host thread's last error, like CUDA.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "kernels/simt/fiber.h"  // detail::fatal

// ---- error codes: the real numeric values of cuda_runtime_api.h ---------------------------------
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidSymbol = 13,
  cudaErrorInvalidHostPointer = 16,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorInvalidDeviceFunction = 98,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchFailure = 719,
  cudaErrorNotSupported = 801,
  cudaErrorUnknown = 999,
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout = 9,
};

enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrMaxSharedMemoryPerBlock = 8,
  cudaDevAttrWarpSize = 10,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrComputeCapabilityMajor = 75,
  cudaDevAttrComputeCapabilityMinor = 76,
  cudaDevAttrMaxSharedMemoryPerBlockOptin = 97,
};

// Opaque handles with the driver's struct names, so forward declarations elsewhere still match.
struct CUstream_st {};
struct CUevent_st {
  bool recorded = false;
  std::chrono::steady_clock::time_point time;
};
typedef struct CUstream_st* cudaStream_t;
typedef struct CUevent_st* cudaEvent_t;

#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaHostAllocDefault 0x00

struct cudaDeviceProp {
  char name[256];
  std::size_t totalGlobalMem;
  std::size_t sharedMemPerBlock;
  std::size_t sharedMemPerBlockOptin;
  int regsPerBlock;
  int warpSize;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int multiProcessorCount;
  int maxThreadsPerMultiProcessor;
  int major;
  int minor;
};

namespace cnn::simt {

// Limits the harness enforces at launch, as the driver does on current GPUs.
inline constexpr int kMaxThreadsPerBlock = 1024;
inline constexpr std::size_t kDefaultMaxDynamicSmem = 48 * 1024;
inline constexpr std::size_t kOptinMaxDynamicSmem = 227 * 1024;  // sm_90 with opt-in

// Threads that run blocks (the launching thread included): CNN_SIMT_THREADS or the core count.
inline int worker_count() {
  static const int n = [] {
    if (const char* env = std::getenv("CNN_SIMT_THREADS")) {
      char* end = nullptr;
      const long v = std::strtol(env, &end, 10);
      if (*end != '\0' || v < 1 || v > 1024) {
        detail::fatal("CNN_SIMT_THREADS must be an integer in [1, 1024]");
      }
      return static_cast<int>(v);
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
  }();
  return n;
}

namespace detail {

inline cudaError_t& last_error() {
  static thread_local cudaError_t error = cudaSuccess;
  return error;
}
inline cudaError_t record(cudaError_t e) {
  if (e != cudaSuccess) last_error() = e;
  return e;
}

// Live allocations, keyed by start address. One process-wide table, like a CUDA context.
struct Allocations {
  std::mutex mutex;
  std::map<std::uintptr_t, std::size_t> device;  // start -> bytes
  std::set<std::uintptr_t> host;                 // cudaMallocHost / cudaHostAlloc
  std::set<const CUstream_st*> streams;
  std::set<const CUevent_st*> events;
  std::map<const void*, int> max_dynamic_smem;  // per kernel, from cudaFuncSetAttribute
  std::size_t device_bytes = 0;
};
// Never destroyed: host objects with static storage (a caching allocator, say) may still call
// cudaFree from their destructors at exit, after function-local statics constructed later are gone.
inline Allocations& allocations() {
  static Allocations* const a = new Allocations;
  return *a;
}

// Whether [p, p + bytes) lies inside one live device allocation. Caller holds the mutex.
inline bool in_device_allocation(const Allocations& a, const void* p, std::size_t bytes) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  auto it = a.device.upper_bound(addr);
  if (it == a.device.begin()) return false;
  --it;
  return addr - it->first <= it->second && bytes <= it->second - (addr - it->first);
}

inline std::size_t physical_memory_bytes() {
  return static_cast<std::size_t>(sysconf(_SC_PHYS_PAGES)) *
         static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

inline std::size_t max_dynamic_smem(const void* kernel) {
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  auto it = a.max_dynamic_smem.find(kernel);
  return it == a.max_dynamic_smem.end() ? kDefaultMaxDynamicSmem
                                        : static_cast<std::size_t>(it->second);
}

}  // namespace detail
}  // namespace cnn::simt

// ---- errors -------------------------------------------------------------------------------------
inline const char* cudaGetErrorName(cudaError_t e) {
  switch (e) {
#define CNN_SIMT_ERROR_NAME(x) \
  case x:                      \
    return #x;
    CNN_SIMT_ERROR_NAME(cudaSuccess)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidValue)
    CNN_SIMT_ERROR_NAME(cudaErrorMemoryAllocation)
    CNN_SIMT_ERROR_NAME(cudaErrorInitializationError)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidConfiguration)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidSymbol)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidHostPointer)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidDevicePointer)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidMemcpyDirection)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidDeviceFunction)
    CNN_SIMT_ERROR_NAME(cudaErrorNoDevice)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidDevice)
    CNN_SIMT_ERROR_NAME(cudaErrorInvalidResourceHandle)
    CNN_SIMT_ERROR_NAME(cudaErrorNotReady)
    CNN_SIMT_ERROR_NAME(cudaErrorIllegalAddress)
    CNN_SIMT_ERROR_NAME(cudaErrorLaunchOutOfResources)
    CNN_SIMT_ERROR_NAME(cudaErrorLaunchFailure)
    CNN_SIMT_ERROR_NAME(cudaErrorNotSupported)
    CNN_SIMT_ERROR_NAME(cudaErrorUnknown)
#undef CNN_SIMT_ERROR_NAME
  }
  return "cudaErrorUnknown";
}

// The driver's wording, so messages read the same in both builds.
inline const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess:
      return "no error";
    case cudaErrorInvalidValue:
      return "invalid argument";
    case cudaErrorMemoryAllocation:
      return "out of memory";
    case cudaErrorInitializationError:
      return "initialization error";
    case cudaErrorInvalidConfiguration:
      return "invalid configuration argument";
    case cudaErrorInvalidSymbol:
      return "invalid device symbol";
    case cudaErrorInvalidHostPointer:
      return "invalid host pointer";
    case cudaErrorInvalidDevicePointer:
      return "invalid device pointer";
    case cudaErrorInvalidMemcpyDirection:
      return "invalid copy direction for memcpy";
    case cudaErrorInvalidDeviceFunction:
      return "invalid device function";
    case cudaErrorNoDevice:
      return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice:
      return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle:
      return "invalid resource handle";
    case cudaErrorNotReady:
      return "device not ready";
    case cudaErrorIllegalAddress:
      return "an illegal memory access was encountered";
    case cudaErrorLaunchOutOfResources:
      return "too many resources requested for launch";
    case cudaErrorLaunchFailure:
      return "unspecified launch failure";
    case cudaErrorNotSupported:
      return "operation not supported";
    case cudaErrorUnknown:
      return "unknown error";
  }
  return "unknown error";
}

// Returns and clears the calling thread's last error.
inline cudaError_t cudaGetLastError() {
  const cudaError_t e = cnn::simt::detail::last_error();
  cnn::simt::detail::last_error() = cudaSuccess;
  return e;
}
inline cudaError_t cudaPeekAtLastError() {
  return cnn::simt::detail::last_error();
}

// ---- device -------------------------------------------------------------------------------------
inline cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return cnn::simt::detail::record(cudaErrorInvalidValue);
  *count = 1;
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int device) {
  return cnn::simt::detail::record(device == 0 ? cudaSuccess : cudaErrorInvalidDevice);
}
inline cudaError_t cudaGetDevice(int* device) {
  if (device == nullptr) return cnn::simt::detail::record(cudaErrorInvalidValue);
  *device = 0;
  return cudaSuccess;
}
inline cudaError_t cudaDeviceSynchronize() {
  return cudaSuccess;
}
inline cudaError_t cudaDeviceReset() {
  return cudaSuccess;
}

inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  using namespace cnn::simt;
  if (prop == nullptr) return detail::record(cudaErrorInvalidValue);
  if (device != 0) return detail::record(cudaErrorInvalidDevice);
  *prop = cudaDeviceProp{};
  std::strncpy(prop->name, "SIMT (CPU)", sizeof prop->name - 1);
  prop->totalGlobalMem = detail::physical_memory_bytes();
  prop->sharedMemPerBlock = kDefaultMaxDynamicSmem;
  prop->sharedMemPerBlockOptin = kOptinMaxDynamicSmem;
  prop->regsPerBlock = 65536;
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = kMaxThreadsPerBlock;
  prop->maxThreadsDim[0] = 1024;
  prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 2147483647;
  prop->maxGridSize[1] = 65535;
  prop->maxGridSize[2] = 65535;
  prop->multiProcessorCount = worker_count();
  prop->maxThreadsPerMultiProcessor = 2048;
  prop->major = 9;  // kernels may branch on the architecture; SIMT accepts the newest code path
  prop->minor = 0;
  return cudaSuccess;
}

inline cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  cudaDeviceProp p;
  if (value == nullptr) return cnn::simt::detail::record(cudaErrorInvalidValue);
  const cudaError_t e = cudaGetDeviceProperties(&p, device);
  if (e != cudaSuccess) return e;
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock:
      *value = p.maxThreadsPerBlock;
      break;
    case cudaDevAttrMaxSharedMemoryPerBlock:
      *value = static_cast<int>(p.sharedMemPerBlock);
      break;
    case cudaDevAttrWarpSize:
      *value = p.warpSize;
      break;
    case cudaDevAttrMultiProcessorCount:
      *value = p.multiProcessorCount;
      break;
    case cudaDevAttrComputeCapabilityMajor:
      *value = p.major;
      break;
    case cudaDevAttrComputeCapabilityMinor:
      *value = p.minor;
      break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin:
      *value = static_cast<int>(p.sharedMemPerBlockOptin);
      break;
    default:
      return cnn::simt::detail::record(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

inline cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes) {
  using namespace cnn::simt::detail;
  if (free_bytes == nullptr || total_bytes == nullptr) return record(cudaErrorInvalidValue);
  *total_bytes = physical_memory_bytes();
  *free_bytes = static_cast<std::size_t>(sysconf(_SC_AVPHYS_PAGES)) *
                static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return cudaSuccess;
}

// Only the maximum dynamic shared memory is honoured (up to the sm_90 opt-in limit); other
// attributes are accepted and ignored, as they only tune performance.
inline cudaError_t cudaFuncSetAttribute(const void* func, cudaFuncAttribute attr, int value) {
  using namespace cnn::simt;
  if (func == nullptr) return detail::record(cudaErrorInvalidDeviceFunction);
  if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize) {
    if (value < 0 || static_cast<std::size_t>(value) > kOptinMaxDynamicSmem) {
      return detail::record(cudaErrorInvalidValue);
    }
    detail::Allocations& a = detail::allocations();
    std::lock_guard<std::mutex> lock(a.mutex);
    a.max_dynamic_smem[func] = value;
  }
  return cudaSuccess;
}
template <typename... Params>
inline cudaError_t cudaFuncSetAttribute(void (*kernel)(Params...), cudaFuncAttribute attr,
                                        int value) {
  return cudaFuncSetAttribute(reinterpret_cast<const void*>(kernel), attr, value);
}

// ---- memory -------------------------------------------------------------------------------------
inline cudaError_t cudaMalloc(void** ptr, std::size_t bytes) {
  using namespace cnn::simt::detail;
  if (ptr == nullptr) return record(cudaErrorInvalidValue);
  *ptr = nullptr;
  if (bytes == 0) return cudaSuccess;  // as CUDA: success and a null pointer
  void* p = nullptr;
  if (posix_memalign(&p, 256, bytes) != 0) return record(cudaErrorMemoryAllocation);
  std::memset(p, 0xFF, bytes);  // unwritten floats read as NaN
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  a.device[reinterpret_cast<std::uintptr_t>(p)] = bytes;
  a.device_bytes += bytes;
  *ptr = p;
  return cudaSuccess;
}
template <typename T>
inline cudaError_t cudaMalloc(T** ptr, std::size_t bytes) {
  return cudaMalloc(reinterpret_cast<void**>(ptr), bytes);
}

inline cudaError_t cudaFree(void* ptr) {
  using namespace cnn::simt::detail;
  if (ptr == nullptr) return cudaSuccess;
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  auto it = a.device.find(reinterpret_cast<std::uintptr_t>(ptr));
  if (it == a.device.end()) return record(cudaErrorInvalidDevicePointer);
  a.device_bytes -= it->second;
  a.device.erase(it);
  std::free(ptr);
  return cudaSuccess;
}

inline cudaError_t cudaHostAlloc(void** ptr, std::size_t bytes, unsigned int /*flags*/) {
  using namespace cnn::simt::detail;
  if (ptr == nullptr) return record(cudaErrorInvalidValue);
  *ptr = nullptr;
  if (bytes == 0) return cudaSuccess;
  void* p = nullptr;
  if (posix_memalign(&p, 256, bytes) != 0) return record(cudaErrorMemoryAllocation);
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  a.host.insert(reinterpret_cast<std::uintptr_t>(p));
  *ptr = p;
  return cudaSuccess;
}
inline cudaError_t cudaMallocHost(void** ptr, std::size_t bytes) {
  return cudaHostAlloc(ptr, bytes, cudaHostAllocDefault);
}
template <typename T>
inline cudaError_t cudaMallocHost(T** ptr, std::size_t bytes) {
  return cudaMallocHost(reinterpret_cast<void**>(ptr), bytes);
}
inline cudaError_t cudaFreeHost(void* ptr) {
  using namespace cnn::simt::detail;
  if (ptr == nullptr) return cudaSuccess;
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  if (a.host.erase(reinterpret_cast<std::uintptr_t>(ptr)) == 0) {
    return record(cudaErrorInvalidValue);
  }
  std::free(ptr);
  return cudaSuccess;
}

inline cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  using namespace cnn::simt::detail;
  if (bytes == 0) return cudaSuccess;
  if (dst == nullptr || src == nullptr) return record(cudaErrorInvalidValue);
  Allocations& a = allocations();
  {
    std::lock_guard<std::mutex> lock(a.mutex);
    const bool dst_ok = in_device_allocation(a, dst, bytes);
    const bool src_ok = in_device_allocation(a, src, bytes);
    switch (kind) {
      case cudaMemcpyHostToHost:
      case cudaMemcpyDefault:
        break;
      case cudaMemcpyHostToDevice:
        if (!dst_ok) return record(cudaErrorInvalidValue);
        break;
      case cudaMemcpyDeviceToHost:
        if (!src_ok) return record(cudaErrorInvalidValue);
        break;
      case cudaMemcpyDeviceToDevice:
        if (!dst_ok || !src_ok) return record(cudaErrorInvalidValue);
        break;
      default:
        return record(cudaErrorInvalidMemcpyDirection);
    }
  }
  std::memmove(dst, src, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes,
                                   cudaMemcpyKind kind, cudaStream_t /*stream*/ = nullptr) {
  return cudaMemcpy(dst, src, bytes, kind);
}

inline cudaError_t cudaMemset(void* dst, int value, std::size_t bytes) {
  using namespace cnn::simt::detail;
  if (bytes == 0) return cudaSuccess;
  Allocations& a = allocations();
  {
    std::lock_guard<std::mutex> lock(a.mutex);
    if (!in_device_allocation(a, dst, bytes)) return record(cudaErrorInvalidValue);
  }
  std::memset(dst, value, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void* dst, int value, std::size_t bytes,
                                   cudaStream_t /*stream*/ = nullptr) {
  return cudaMemset(dst, value, bytes);
}

// ---- streams and events -------------------------------------------------------------------------
namespace cnn::simt::detail {
// The default stream (null) is always valid; others must be live handles.
inline bool valid_stream(cudaStream_t s) {
  if (s == nullptr) return true;
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  return a.streams.count(s) != 0;
}
inline bool valid_event(cudaEvent_t e) {
  if (e == nullptr) return false;
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  return a.events.count(e) != 0;
}
}  // namespace cnn::simt::detail

inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int /*flags*/) {
  using namespace cnn::simt::detail;
  if (stream == nullptr) return record(cudaErrorInvalidValue);
  *stream = new CUstream_st;
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  a.streams.insert(*stream);
  return cudaSuccess;
}
inline cudaError_t cudaStreamCreate(cudaStream_t* stream) {
  return cudaStreamCreateWithFlags(stream, cudaStreamDefault);
}
inline cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  using namespace cnn::simt::detail;
  Allocations& a = allocations();
  {
    std::lock_guard<std::mutex> lock(a.mutex);
    if (stream == nullptr || a.streams.erase(stream) == 0) {
      return record(cudaErrorInvalidResourceHandle);
    }
  }
  delete stream;
  return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  using namespace cnn::simt::detail;
  return valid_stream(stream) ? cudaSuccess : record(cudaErrorInvalidResourceHandle);
}
inline cudaError_t cudaStreamQuery(cudaStream_t stream) {
  return cudaStreamSynchronize(stream);
}
inline cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event,
                                       unsigned int /*flags*/ = 0) {
  using namespace cnn::simt::detail;
  if (!valid_stream(stream) || !valid_event(event)) return record(cudaErrorInvalidResourceHandle);
  return cudaSuccess;
}

inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int /*flags*/) {
  using namespace cnn::simt::detail;
  if (event == nullptr) return record(cudaErrorInvalidValue);
  *event = new CUevent_st;
  Allocations& a = allocations();
  std::lock_guard<std::mutex> lock(a.mutex);
  a.events.insert(*event);
  return cudaSuccess;
}
inline cudaError_t cudaEventCreate(cudaEvent_t* event) {
  return cudaEventCreateWithFlags(event, cudaEventDefault);
}
inline cudaError_t cudaEventDestroy(cudaEvent_t event) {
  using namespace cnn::simt::detail;
  Allocations& a = allocations();
  {
    std::lock_guard<std::mutex> lock(a.mutex);
    if (event == nullptr || a.events.erase(event) == 0) {
      return record(cudaErrorInvalidResourceHandle);
    }
  }
  delete event;
  return cudaSuccess;
}
// Work is synchronous, so "when the stream reaches the event" is now.
inline cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr) {
  using namespace cnn::simt::detail;
  if (!valid_event(event) || !valid_stream(stream)) return record(cudaErrorInvalidResourceHandle);
  event->recorded = true;
  event->time = std::chrono::steady_clock::now();
  return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  using namespace cnn::simt::detail;
  return valid_event(event) ? cudaSuccess : record(cudaErrorInvalidResourceHandle);
}
inline cudaError_t cudaEventQuery(cudaEvent_t event) {
  return cudaEventSynchronize(event);
}
inline cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  using namespace cnn::simt::detail;
  if (ms == nullptr) return record(cudaErrorInvalidValue);
  if (!valid_event(start) || !valid_event(end) || !start->recorded || !end->recorded) {
    return record(cudaErrorInvalidResourceHandle);
  }
  *ms = std::chrono::duration<float, std::milli>(end->time - start->time).count();
  return cudaSuccess;
}
