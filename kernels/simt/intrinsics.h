// SIMT harness, part 4: the synchronising intrinsics a kernel calls (__syncthreads, shuffles,
// votes, __syncwarp), forwarded to the block runner of the calling OS thread.
//
// Each intrinsic is an object-like macro that builds a small function object holding the call site
// (__FILE__/__LINE__ of the kernel line), so `__syncthreads()` and `__shfl_down_sync(m, v, d)` keep
// their CUDA spelling, optional arguments included, while the harness can name the exact line in
// its diagnostics and check that all threads meet at the same one.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/simt/block_runner.h"

namespace cnn::simt::detail {

inline BlockRunner& active_runner(const CallSite& site) {
  BlockRunner* r = BlockRunner::active();
  if (r == nullptr) {
    std::fprintf(stderr, "SIMT harness: %s called outside a kernel at %s:%d\n", site.what,
                 site.file, site.line);
    std::abort();
  }
  return *r;
}

struct SyncThreadsAt {
  CallSite site;
  void operator()() const { active_runner(site).barrier(site, 0); }
};
struct SyncThreadsCountAt {
  CallSite site;
  int operator()(int predicate) const { return active_runner(site).barrier(site, predicate); }
};
struct SyncThreadsAndAt {
  CallSite site;
  int operator()(int predicate) const {
    const int passed = active_runner(site).barrier(site, predicate);
    return passed == static_cast<int>(blockDim.x * blockDim.y * blockDim.z);
  }
};
struct SyncThreadsOrAt {
  CallSite site;
  int operator()(int predicate) const { return active_runner(site).barrier(site, predicate) > 0; }
};

template <WarpOp Op>
struct ShuffleAt {
  CallSite site;
  // `lane_or_delta`: source lane (__shfl_sync), delta (up/down) or lane mask (xor).
  template <typename T>
  T operator()(unsigned mask, T var, int lane_or_delta, int width = warpSize) const {
    static_assert(std::is_arithmetic_v<T> && (sizeof(T) == 4 || sizeof(T) == 8),
                  "SIMT shuffles support 4- and 8-byte arithmetic types, as CUDA does");
    std::uint64_t bits = 0;
    std::memcpy(&bits, &var, sizeof(T));
    const std::uint64_t out =
        active_runner(site).warp_exchange(Op, site, mask, bits, lane_or_delta, width);
    T result;
    std::memcpy(&result, &out, sizeof(T));
    return result;
  }
};

struct BallotAt {
  CallSite site;
  unsigned operator()(unsigned mask, int predicate) const {
    return static_cast<unsigned>(active_runner(site).warp_exchange(
        WarpOp::kVote, site, mask, predicate != 0 ? 1 : 0, 0, warpSize));
  }
};
struct AnyAt {
  CallSite site;
  int operator()(unsigned mask, int predicate) const {
    return BallotAt{site}(mask, predicate) != 0;
  }
};
struct AllAt {
  CallSite site;
  int operator()(unsigned mask, int predicate) const {
    return BallotAt{site}(mask, predicate) == mask;
  }
};
struct SyncWarpAt {
  CallSite site;
  void operator()(unsigned mask = 0xffffffffu) const {
    active_runner(site).warp_exchange(WarpOp::kSyncWarp, site, mask, 0, 0, warpSize);
  }
};

}  // namespace cnn::simt::detail

// Builds the function object of intrinsic `Type` bound to the call site of the kernel line.
#define CNN_SIMT_AT(Type, what) \
  ::cnn::simt::detail::Type {   \
    CNN_SIMT_SITE(what)         \
  }
#define __syncthreads CNN_SIMT_AT(SyncThreadsAt, "__syncthreads()")
#define __syncthreads_count CNN_SIMT_AT(SyncThreadsCountAt, "__syncthreads_count()")
#define __syncthreads_and CNN_SIMT_AT(SyncThreadsAndAt, "__syncthreads_and()")
#define __syncthreads_or CNN_SIMT_AT(SyncThreadsOrAt, "__syncthreads_or()")
#define __shfl_sync CNN_SIMT_AT(ShuffleAt<::cnn::simt::detail::WarpOp::kShflIdx>, "__shfl_sync()")
#define __shfl_up_sync \
  CNN_SIMT_AT(ShuffleAt<::cnn::simt::detail::WarpOp::kShflUp>, "__shfl_up_sync()")
#define __shfl_down_sync \
  CNN_SIMT_AT(ShuffleAt<::cnn::simt::detail::WarpOp::kShflDown>, "__shfl_down_sync()")
#define __shfl_xor_sync \
  CNN_SIMT_AT(ShuffleAt<::cnn::simt::detail::WarpOp::kShflXor>, "__shfl_xor_sync()")
#define __ballot_sync CNN_SIMT_AT(BallotAt, "__ballot_sync()")
#define __any_sync CNN_SIMT_AT(AnyAt, "__any_sync()")
#define __all_sync CNN_SIMT_AT(AllAt, "__all_sync()")
#define __syncwarp CNN_SIMT_AT(SyncWarpAt, "__syncwarp()")

// Lanes of the caller's warp that have not exited. Fibers do not run in lockstep, so this can
// include lanes that are on another branch; CUDA makes no promise either way.
inline unsigned __activemask() {
  return ::cnn::simt::detail::active_runner(CNN_SIMT_SITE("__activemask()")).active_mask();
}

// Dynamic shared memory of the running block (sized by the launch, filled with 0xFF bytes).
#define CNN_DYN_SHARED(T, name)   \
  T* name = reinterpret_cast<T*>( \
      ::cnn::simt::detail::active_runner(CNN_SIMT_SITE("CNN_DYN_SHARED")).dynamic_shared())
