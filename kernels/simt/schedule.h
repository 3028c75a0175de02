// SIMT harness: schedules, the order in which the fibers of a block run between barriers.
//
// A kernel that reads shared memory another thread writes without a barrier in between gets the
// right answer only if the writer happens to run first. Running each phase of a block in forward,
// reverse and random order makes such a missing barrier show up under at least one of them; CI
// runs every CUDA test under all three (CNN_SIMT_SCHEDULE=forward|reverse|random:SEED).
// A random order is drawn per (seed, block, phase), so a failing run is reproducible whatever OS
// thread happens to run the block.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/simt/fiber.h"  // detail::fatal

namespace cnn::simt {

// Order in which the fibers of a block run between barriers.
struct Schedule {
  enum class Kind { kForward, kReverse, kRandom };
  Kind kind = Kind::kForward;
  std::uint64_t seed = 0;
};

// Parses "forward" | "reverse" | "random:SEED"; aborts on anything else (a typo in CI must not
// silently test the default order).
inline Schedule parse_schedule(const char* text) {
  Schedule s;
  if (std::strcmp(text, "forward") == 0) return s;
  if (std::strcmp(text, "reverse") == 0) {
    s.kind = Schedule::Kind::kReverse;
    return s;
  }
  if (std::strncmp(text, "random:", 7) == 0 && text[7] != '\0') {
    char* end = nullptr;
    s.kind = Schedule::Kind::kRandom;
    s.seed = std::strtoull(text + 7, &end, 10);
    if (*end == '\0') return s;
  }
  detail::fatal("CNN_SIMT_SCHEDULE must be forward, reverse or random:SEED");
}

namespace detail {
// The process-wide setting, read from CNN_SIMT_SCHEDULE on first use.
inline Schedule& schedule_setting() {
  static Schedule s = [] {
    const char* env = std::getenv("CNN_SIMT_SCHEDULE");
    return env ? parse_schedule(env) : Schedule{};
  }();
  return s;
}
}  // namespace detail

// The schedule used by subsequent launches (host side; tests use it to try all orders in-process).
inline void set_schedule(Schedule s) {
  detail::schedule_setting() = s;
}
inline Schedule schedule() {
  return detail::schedule_setting();
}

namespace detail {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Fills `order` with the run order of the `n` threads of block `block_linear` in barrier phase
// `phase` (threads are numbered x-fastest, like the linear thread id).
inline void schedule_order(const Schedule& s, int n, std::uint64_t block_linear,
                           std::uint64_t phase, std::vector<int>& order) {
  order.resize(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) order[t] = s.kind == Schedule::Kind::kReverse ? n - 1 - t : t;
  if (s.kind != Schedule::Kind::kRandom) return;
  std::uint64_t state = splitmix64(s.seed ^ splitmix64(block_linear ^ splitmix64(phase)));
  for (int i = n - 1; i > 0; --i) {  // Fisher-Yates
    state = splitmix64(state);
    std::swap(order[i], order[static_cast<int>(state % static_cast<std::uint64_t>(i + 1))]);
  }
}

}  // namespace detail
}  // namespace cnn::simt
