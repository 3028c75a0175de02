// SIMT harness, part 3: runs one thread block. Each GPU thread is a fiber; the OS thread's own
// stack is the scheduler. This is where barriers and warp rendezvous live.
//
// How a block runs:
//   phase loop: run every runnable fiber, in the schedule's order, until it parks (at a barrier or
//   a warp operation) or exits; repeat while anything is runnable. Then the block is quiescent:
//   either every live thread waits at the same __syncthreads() (release them, next phase) or the
//   kernel is broken (threads exited while others wait, or a warp operation can never complete)
//   and the harness aborts with a message naming the block and the call sites.
//
// Choices that matter:
// - A barrier reached at two different call sites aborts at once (CUDA leaves it undefined).
// - A warp operation completes when the last lane of its mask arrives: that lane computes EVERY
//   lane's result into a per-lane slot before anyone resumes, so a fast lane's next shuffle
//   cannot overwrite a value another lane has not read yet. The last lane then just continues.
// - Shuffle lane arithmetic follows PTX shfl.sync exactly (the clamp word CUDA derives from
//   `width`), so out-of-range and cross-segment cases give the documented results. Reading a lane
//   outside the mask is undefined in CUDA; here it yields all-one bits (NaN for float/double,
//   -1 for integers), never a plausible value.
#pragma once

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kernels/simt/device_builtins.h"
#include "kernels/simt/fiber.h"
#include "kernels/simt/schedule.h"

// The built-in index variables: per OS thread, rewritten by the scheduler before every switch.
inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

namespace cnn::simt {

namespace detail {

// Where a kernel called a synchronising intrinsic; `what` is the intrinsic's name.
struct CallSite {
  const char* what;
  const char* file;
  int line;
};
inline bool same_site(const CallSite& a, const CallSite& b) {
  return a.line == b.line && (a.file == b.file || std::strcmp(a.file, b.file) == 0) &&
         (a.what == b.what || std::strcmp(a.what, b.what) == 0);
}
#define CNN_SIMT_SITE(what)       \
  ::cnn::simt::detail::CallSite { \
    what, __FILE__, __LINE__      \
  }

// A kernel with its arguments bound, type-erased: invoke(bound) runs one GPU thread.
struct KernelCall {
  void (*invoke)(const void* bound);
  const void* bound;
};

// What every block of one launch shares.
struct BlockLaunch {
  KernelCall call;
  dim3 grid;
  dim3 block;
  std::size_t dynamic_smem_bytes;
  Schedule schedule;
};

enum class WarpOp : std::uint8_t { kShflIdx, kShflUp, kShflDown, kShflXor, kVote, kSyncWarp };

class BlockRunner {
 public:
  // The runner of the calling OS thread (created on first use, lives until the thread exits).
  static BlockRunner& of_this_thread() {
    static thread_local BlockRunner runner;
    return runner;
  }
  // The runner whose block is executing on this OS thread, or null outside a kernel.
  static BlockRunner*& active() {
    static thread_local BlockRunner* current = nullptr;
    return current;
  }

  BlockRunner() = default;
  BlockRunner(const BlockRunner&) = delete;
  BlockRunner& operator=(const BlockRunner&) = delete;
  ~BlockRunner() { std::free(dynamic_smem_); }

  // Runs block `block_idx` of `launch` to completion (or aborts the process on a kernel bug).
  void run(const BlockLaunch& launch, uint3 block_idx) {
    launch_ = &launch;
    block_idx_ = block_idx;
    const dim3 b = launch.block;
    const int n = static_cast<int>(b.x * b.y * b.z);
    prepare_threads(n, b);
    prepare_dynamic_shared(launch.dynamic_smem_bytes);
    blockIdx = block_idx;
    blockDim = launch.block;
    gridDim = launch.grid;

    BlockRunner*& active_runner = active();
    active_runner = this;
    const std::uint64_t block_linear =
        block_idx.x + std::uint64_t{launch.grid.x} * (block_idx.y + launch.grid.y * block_idx.z);
    for (std::uint64_t phase = 0;; ++phase) {
      schedule_order(launch.schedule, n, block_linear, phase, order_);
      for (bool ran = true; ran;) {
        ran = false;
        for (int t : order_) {
          if (threads_[t].state != State::kRunnable) continue;
          resume(t);
          ran = true;
        }
      }
      if (exited_ == n) break;
      release_barrier_or_fail();
    }
    active_runner = nullptr;
  }

  // ---- called from inside a fiber (the kernel's GPU thread) ----

  // __syncthreads() and its counting variants: parks until every thread of the block arrives at
  // `site`; returns how many threads passed a non-zero predicate.
  int barrier(const CallSite& site, int predicate) {
    Thread& me = threads_[current_];
    if (barrier_arrived_ == 0) {
      barrier_site_ = site;
      barrier_first_ = current_;
      barrier_predicates_ = 0;
    } else if (!same_site(site, barrier_site_)) {
      const uint3 o = threads_[barrier_first_].idx;
      fail(
          "divergent barrier: thread (%u,%u,%u) waits at %s at %s:%d, but thread (%u,%u,%u) "
          "reached %s at %s:%d",
          o.x, o.y, o.z, barrier_site_.what, barrier_site_.file, barrier_site_.line, me.idx.x,
          me.idx.y, me.idx.z, site.what, site.file, site.line);
    }
    ++barrier_arrived_;
    barrier_predicates_ += predicate != 0;
    park(me, State::kAtBarrier, site);
    return barrier_result_;
  }

  // A warp-level rendezvous (shuffle, vote, __syncwarp) of the lanes in `mask`. `value` holds the
  // caller's operand bits, `param` its source lane / delta / lane mask. Returns the caller's
  // result bits.
  std::uint64_t warp_exchange(WarpOp op, const CallSite& site, unsigned mask, std::uint64_t value,
                              int param, int width) {
    Thread& me = threads_[current_];
    Warp& w = warps_[me.warp];
    const unsigned bit = 1u << me.lane;
    if ((mask & bit) == 0) {
      fail("%s at %s:%d: lane %d (thread (%u,%u,%u)) is not in its own mask 0x%08x", site.what,
           site.file, site.line, me.lane, me.idx.x, me.idx.y, me.idx.z, mask);
    }
    if ((mask & ~w.lanes) != 0) {
      fail(
          "%s at %s:%d with mask 0x%08x: warp %d has only %d threads (blockDim (%u,%u,%u) is not a "
          "multiple of 32), so the mask names lanes that do not exist",
          site.what, site.file, site.line, mask, me.warp, __builtin_popcount(w.lanes),
          launch_->block.x, launch_->block.y, launch_->block.z);
    }
    if ((mask & w.exited) != 0) {
      fail("%s at %s:%d with mask 0x%08x: lanes 0x%08x of warp %d have already exited", site.what,
           site.file, site.line, mask, mask & w.exited, me.warp);
    }
    if (width < 1 || width > 32 || (width & (width - 1)) != 0) {
      fail("%s at %s:%d: width %d is not a power of two in [1, 32]", site.what, site.file,
           site.line, width);
    }
    // Join the rendezvous of the same instruction and mask, or open one. Overlapping rendezvous
    // at different instructions are legal (lanes 16-31 may wait in __syncwarp() while lanes 0-15
    // finish a half-warp ballot); if they can never complete, the block goes quiescent with
    // lanes parked here and fail_stuck_warp_op() reports both sites.
    std::size_t g = 0;
    for (; g < w.pending.size(); ++g) {
      const WarpGroup& other = w.pending[g];
      if (other.op != op || !same_site(other.site, site) || (other.mask & mask) == 0) continue;
      if (other.mask != mask || other.width != width) {
        fail(
            "warp %d: lane %d waits at %s at %s:%d with mask 0x%08x, width %d, but lane %d "
            "reached it with mask 0x%08x, width %d",
            me.warp, other.first_lane, site.what, site.file, site.line, other.mask, other.width,
            me.lane, mask, width);
      }
      break;
    }
    if (g == w.pending.size()) w.pending.push_back(WarpGroup{mask, 0, op, site, width, me.lane});
    w.value[me.lane] = value;
    w.param[me.lane] = param;
    w.pending[g].arrived |= bit;
    if (w.pending[g].arrived != mask) {
      park(me, State::kAtWarpOp, site);
      return w.result[me.lane];
    }
    complete_warp_op(w, w.pending[g]);
    for (unsigned rest = mask & ~bit; rest != 0; rest &= rest - 1) {
      threads_[me.warp * 32 + __builtin_ctz(rest)].state = State::kRunnable;
    }
    w.pending[g] = w.pending.back();
    w.pending.pop_back();
    return w.result[me.lane];
  }

  // Lanes of the caller's warp that have not exited.
  unsigned active_mask() const {
    const Warp& w = warps_[threads_[current_].warp];
    return w.lanes & ~w.exited;
  }

  unsigned char* dynamic_shared() const { return dynamic_smem_; }

 private:
  enum class State : std::uint8_t { kRunnable, kAtBarrier, kAtWarpOp, kExited };
  struct Thread {
    uint3 idx;
    int lane;
    int warp;
    State state;
    CallSite site;  // where it is parked
  };
  struct WarpGroup {
    unsigned mask;
    unsigned arrived;
    WarpOp op;
    CallSite site;
    int width;
    int first_lane;
  };
  struct Warp {
    unsigned lanes = 0;              // lanes that exist (fewer than 32 in a short last warp)
    unsigned exited = 0;             // lanes whose thread has returned
    std::vector<WarpGroup> pending;  // rendezvous in progress; a lane waits in at most one
    std::uint64_t value[32] = {};
    int param[32] = {};
    std::uint64_t result[32] = {};
  };

  // noexcept: an exception cannot unwind past a fiber's first frame; terminate says so plainly.
  static void fiber_body(void* arg) noexcept {
    auto* self = static_cast<BlockRunner*>(arg);
    for (;;) {
      self->launch_->call.invoke(self->launch_->call.bound);
      self->thread_exited();
    }
  }

  void prepare_threads(int n, dim3 b) {
    while (static_cast<int>(fibers_.size()) < n) {
      fibers_.push_back(std::make_unique<Fiber>(&BlockRunner::fiber_body, this));
    }
    threads_.resize(n);
    for (int t = 0; t < n; ++t) {
      Thread& th = threads_[t];
      th.idx = uint3{t % b.x, (t / b.x) % b.y, t / (b.x * b.y)};
      th.lane = t % 32;
      th.warp = t / 32;
      th.state = State::kRunnable;
    }
    warps_.resize((n + 31) / 32);
    for (std::size_t w = 0; w < warps_.size(); ++w) {
      const int lanes = std::min(32, n - static_cast<int>(w) * 32);
      warps_[w].lanes = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1;
      warps_[w].exited = 0;
      warps_[w].pending.clear();
    }
    exited_ = 0;
    barrier_arrived_ = 0;
  }

  // Exactly `bytes` (so ASan sees overruns), filled with 0xFF so unwritten floats read as NaN.
  void prepare_dynamic_shared(std::size_t bytes) {
    if (dynamic_smem_ == nullptr || dynamic_smem_bytes_ != bytes) {
      std::free(dynamic_smem_);
      void* p = nullptr;
      if (posix_memalign(&p, 128, bytes == 0 ? 1 : bytes) != 0) {
        fatal("cannot allocate dynamic shared memory");
      }
      dynamic_smem_ = static_cast<unsigned char*>(p);
      dynamic_smem_bytes_ = bytes;
    }
    std::memset(dynamic_smem_, 0xFF, bytes);
  }

  void resume(int t) {
    current_ = t;
    threadIdx = threads_[t].idx;
    fibers_[t]->resume();
  }

  void park(Thread& me, State state, const CallSite& site) {
    me.state = state;
    me.site = site;
    fibers_[current_]->suspend();
  }

  void thread_exited() {
    Thread& me = threads_[current_];
    me.state = State::kExited;
    warps_[me.warp].exited |= 1u << me.lane;
    ++exited_;
    fibers_[current_]->suspend();
  }

  // Nothing is runnable and some threads are live: they must all wait at one barrier.
  void release_barrier_or_fail() {
    for (const Thread& th : threads_) {
      if (th.state == State::kAtWarpOp) fail_stuck_warp_op(th);
    }
    if (exited_ > 0) {
      int first_exited = 0;
      while (threads_[first_exited].state != State::kExited) ++first_exited;
      const uint3 e = threads_[first_exited].idx;
      fail(
          "%d threads wait at %s at %s:%d, but %d threads of the block have exited (e.g. thread "
          "(%u,%u,%u)): every thread must reach the barrier",
          barrier_arrived_, barrier_site_.what, barrier_site_.file, barrier_site_.line, exited_,
          e.x, e.y, e.z);
    }
    barrier_result_ = barrier_predicates_;
    barrier_arrived_ = 0;
    for (Thread& th : threads_) th.state = State::kRunnable;
  }

  [[noreturn]] void fail_stuck_warp_op(const Thread& waiting) {
    const Warp& w = warps_[waiting.warp];
    for (const WarpGroup& g : w.pending) {
      if ((g.arrived & (1u << waiting.lane)) == 0) continue;
      const unsigned missing = g.mask & ~g.arrived;
      const int lane = __builtin_ctz(missing);
      const Thread& m = threads_[waiting.warp * 32 + lane];
      const std::string where = m.state == State::kExited
                                    ? std::string("has exited")
                                    : std::string("waits at ") + m.site.what + " at " +
                                          m.site.file + ":" + std::to_string(m.site.line);
      fail("warp %d: lanes 0x%08x wait at %s at %s:%d (mask 0x%08x), but lane %d %s", waiting.warp,
           g.arrived, g.site.what, g.site.file, g.site.line, g.mask, lane, where.c_str());
    }
    fatal("internal error: a thread waits at a warp operation that is not pending");
  }

  // Computes every lane's result of a complete rendezvous (see the file comment for shuffles).
  static void complete_warp_op(Warp& w, const WarpGroup& g) {
    if (g.op == WarpOp::kSyncWarp) return;
    if (g.op == WarpOp::kVote) {
      unsigned ballot = 0;
      for (unsigned m = g.mask; m != 0; m &= m - 1) {
        const int l = __builtin_ctz(m);
        if (w.value[l] != 0) ballot |= 1u << l;
      }
      for (unsigned m = g.mask; m != 0; m &= m - 1) w.result[__builtin_ctz(m)] = ballot;
      return;
    }
    // PTX: clamp word c = ((32 - width) << 8) | (up ? 0 : 31); segment mask = c[12:8].
    const int segment_bits = 32 - g.width;
    for (unsigned m = g.mask; m != 0; m &= m - 1) {
      const int lane = __builtin_ctz(m);
      const int b = w.param[lane] & 31;
      const int min_lane = lane & segment_bits;
      const int max_lane = min_lane | (31 & ~segment_bits);
      int src = lane;
      bool in_range = true;
      switch (g.op) {
        case WarpOp::kShflUp:
          src = lane - b;
          in_range = src >= min_lane;
          break;
        case WarpOp::kShflDown:
          src = lane + b;
          in_range = src <= max_lane;
          break;
        case WarpOp::kShflXor:
          src = lane ^ b;
          in_range = src <= max_lane;
          break;
        default:  // kShflIdx
          src = min_lane | (b & ~segment_bits);
          in_range = src <= max_lane;
          break;
      }
      if (!in_range) src = lane;
      w.result[lane] = (g.mask >> src) & 1u ? w.value[src] : ~std::uint64_t{0};
    }
  }

  [[noreturn]] __attribute__((format(printf, 2, 3))) void fail(const char* format, ...) const {
    char message[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    std::fprintf(stderr,
                 "SIMT harness: kernel bug in block (%u,%u,%u) of grid (%u,%u,%u), blockDim "
                 "(%u,%u,%u):\n  %s\n",
                 block_idx_.x, block_idx_.y, block_idx_.z, launch_->grid.x, launch_->grid.y,
                 launch_->grid.z, launch_->block.x, launch_->block.y, launch_->block.z, message);
    std::fflush(stderr);
    std::abort();
  }

  const BlockLaunch* launch_ = nullptr;
  uint3 block_idx_{0, 0, 0};
  std::vector<std::unique_ptr<Fiber>> fibers_;  // reused across blocks and launches
  std::vector<Thread> threads_;
  std::vector<Warp> warps_;
  std::vector<int> order_;  // of the current phase (schedule.h)
  int current_ = -1;
  int exited_ = 0;
  int barrier_arrived_ = 0;
  int barrier_first_ = 0;
  int barrier_predicates_ = 0;  // of the barrier being gathered
  int barrier_result_ = 0;      // of the barrier just released
  CallSite barrier_site_{"", "", 0};
  unsigned char* dynamic_smem_ = nullptr;
  std::size_t dynamic_smem_bytes_ = 0;
};

}  // namespace detail
}  // namespace cnn::simt
