// SIMT harness, part 2: a fiber (one emulated GPU thread) on Boost.Context's raw fcontext.
//
// Choices that matter:
// - fcontext (jump_fcontext is ~20 instructions, no syscall) rather than ucontext, which saves and
//   restores the signal mask with a syscall on every switch and measured 70-90x slower.
// - A Fiber runs one body function forever; the body loops "run one GPU thread, report exit", so a
//   fiber and its stack are reused for every block and launch on its OS thread (no mmap per
//   launch).
// - Stacks are mmap'ed with a 64 KiB PROT_NONE guard region below them: a kernel that overflows
//   its stack (CNN_SIMT_STACK_KB, default 64) dies with SIGSEGV instead of corrupting a neighbour.
//   The guard is larger than one page so that a frame with a big local array cannot jump over it
//   (it costs address space only).
// - Under AddressSanitizer every switch is announced with __sanitizer_start_switch_fiber /
//   __sanitizer_finish_switch_fiber, otherwise ASan's stack bookkeeping reports garbage.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <boost/context/detail/fcontext.hpp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#define CNN_SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CNN_SIMT_ASAN 1
#endif
#endif
#if defined(CNN_SIMT_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace cnn::simt::detail {

[[noreturn]] inline void fatal(const char* what) {
  std::fprintf(stderr, "SIMT harness: %s\n", what);
  std::abort();
}

// Stack size of one emulated GPU thread: CNN_SIMT_STACK_KB, default 64 KiB (256 KiB under ASan,
// whose redzones and fake frames make stack frames several times larger).
inline std::size_t fiber_stack_bytes() {
  static const std::size_t bytes = [] {
#if defined(CNN_SIMT_ASAN)
    std::size_t kib = 256;
#else
    std::size_t kib = 64;
#endif
    if (const char* env = std::getenv("CNN_SIMT_STACK_KB")) {
      const long v = std::strtol(env, nullptr, 10);
      if (v < 16) fatal("CNN_SIMT_STACK_KB must be an integer >= 16");
      kib = static_cast<std::size_t>(v);
    }
    return kib * 1024;
  }();
  return bytes;
}

// A fiber stack with a guard region at its low end (stacks grow down).
class FiberStack {
 public:
  explicit FiberStack(std::size_t usable_bytes) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t guard = std::max<std::size_t>(page, 64 * 1024);
    usable_ = (usable_bytes + page - 1) / page * page;
    mapped_ = usable_ + guard;
    void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) fatal("mmap of a fiber stack failed");
    if (mprotect(p, guard, PROT_NONE) != 0) fatal("mprotect of a fiber stack guard failed");
    base_ = static_cast<char*>(p);
    bottom_ = base_ + guard;
  }
  ~FiberStack() {
#if defined(CNN_SIMT_ASAN)
    // Frames left poisoned on this stack must not haunt the next mapping at this address.
    __asan_unpoison_memory_region(bottom_, usable_);
#endif
    munmap(base_, mapped_);
  }
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;

  char* bottom() const {
    return bottom_;
  }  // lowest usable address
  char* top() const {
    return bottom_ + usable_;
  }
  std::size_t size() const {
    return usable_;
  }

 private:
  char* base_ = nullptr;
  char* bottom_ = nullptr;
  std::size_t usable_ = 0;
  std::size_t mapped_ = 0;
};

// One fiber. resume() is called by the scheduler (on the OS thread's own stack) and returns when
// the fiber calls suspend(). The body never returns.
class Fiber {
 public:
  using Body = void (*)(void* arg);

  Fiber(Body body, void* arg) : stack_(fiber_stack_bytes()), body_(body), arg_(arg) {
    ctx_ = boost::context::detail::make_fcontext(stack_.top(), stack_.size(), &Fiber::entry);
  }
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Scheduler side: run the fiber until it next suspends.
  void resume() {
#if defined(CNN_SIMT_ASAN)
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, stack_.bottom(), stack_.size());
#endif
    ctx_ = boost::context::detail::jump_fcontext(ctx_, this).fctx;
#if defined(CNN_SIMT_ASAN)
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
  }

  // Fiber side: give control back to the scheduler that resumed us.
  void suspend() {
#if defined(CNN_SIMT_ASAN)
    __sanitizer_start_switch_fiber(&fake_stack_, scheduler_stack_bottom_, scheduler_stack_size_);
#endif
    scheduler_ = boost::context::detail::jump_fcontext(scheduler_, nullptr).fctx;
#if defined(CNN_SIMT_ASAN)
    __sanitizer_finish_switch_fiber(fake_stack_, &scheduler_stack_bottom_, &scheduler_stack_size_);
#endif
  }

 private:
  static void entry(boost::context::detail::transfer_t from) {
    auto* self = static_cast<Fiber*>(from.data);
    self->scheduler_ = from.fctx;
#if defined(CNN_SIMT_ASAN)
    __sanitizer_finish_switch_fiber(nullptr, &self->scheduler_stack_bottom_,
                                    &self->scheduler_stack_size_);
#endif
    self->body_(self->arg_);
    fatal("a fiber body returned");  // bodies loop forever by contract
  }

  FiberStack stack_;
  Body body_;
  void* arg_;
  boost::context::detail::fcontext_t ctx_ = nullptr;        // the fiber, while suspended
  boost::context::detail::fcontext_t scheduler_ = nullptr;  // the scheduler, while the fiber runs
#if defined(CNN_SIMT_ASAN)
  void* fake_stack_ = nullptr;
  const void* scheduler_stack_bottom_ = nullptr;
  std::size_t scheduler_stack_size_ = 0;
#endif
};

}  // namespace cnn::simt::detail
