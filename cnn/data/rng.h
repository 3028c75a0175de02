// A tiny deterministic random generator for the data pipeline (split, shuffling, augmentation,
// synthetic images). std::shuffle and std::uniform_*_distribution differ between standard
// libraries, so a seed would not reproduce the same split everywhere; SplitMix64 plus our own
// Fisher-Yates and range mapping does.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace cnn::data {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // Independent stream for (seed, stream): e.g. one per image index or per epoch.
  Rng(uint64_t seed, uint64_t stream) : state_(seed ^ (stream * 0xd1b54a32d192ed03ULL + 1)) {
    next();
  }

  uint64_t next() {  // SplitMix64 (Steele, Lea, Flood 2014)
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0. The modulo bias is below 2^-40 for n < 2^24.
  uint64_t below(uint64_t n) { return next() % n; }
  bool chance(double p) { return uniform() < p; }
  // Approximately normal(0, 1) (sum of 4 uniforms, rescaled): cheap and bounded, fine for noise.
  double normal() { return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.7320508; }

  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  uint64_t state_;
};

}  // namespace cnn::data
