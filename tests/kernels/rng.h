// Deterministic test data: a seeded SplitMix64 stream (kernels/random_hash.h) turned into floats
// by bit manipulation, so every platform and standard library draws the same inputs
// (std::uniform_real_distribution is implementation-defined).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/random_hash.h"

namespace cnn::test {

class Rng {
 public:
  explicit Rng(uint64_t seed) : seed_(seed) {}

  uint64_t next() { return kernels::mix64(seed_ + 0x9e3779b97f4a7c15ULL * ++counter_); }
  // Uniform integer in [lo, hi].
  int uniform_int(int lo, int hi) { return lo + int(next() % uint64_t(hi - lo + 1)); }
  // Uniform float in [lo, hi) on a 2^-24 grid of the range.
  float uniform(float lo, float hi) {
    return lo + (hi - lo) * (float(next() >> 40) * (1.0f / 16777216.0f));
  }
  std::vector<float> uniform_vector(int64_t n, float lo = -1.f, float hi = 1.f) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = uniform(lo, hi);
    return v;
  }

 private:
  uint64_t seed_;
  uint64_t counter_ = 0;
};

// A stable seed per (op, problem): a case draws the same inputs whichever order cases run in.
inline uint64_t seed_of(const std::string& op, const std::string& problem) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (const char c : op + "/" + problem) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
  return h;
}

}  // namespace cnn::test
