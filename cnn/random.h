// Generator: libcnn's seedable random source (parameter init, rand/randn, dropout seeds).
//
// Counter based: value i of seed s is kernels::uniform01(s, i), so the whole state is two
// integers (seed, offset). That makes checkpointing the RNG trivial and lets dropout draw one
// 64-bit seed per call from which every backend derives the same mask.
#pragma once

#include <cstdint>
#include <string>

namespace cnn {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}

  void manual_seed(uint64_t seed) {
    seed_ = seed;
    offset_ = 0;
  }
  float uniform();  // [0, 1)
  float uniform(float low, float high) { return low + (high - low) * uniform(); }
  float normal();  // standard normal (Box-Muller)
  uint64_t next_u64();

  // "seed:offset" - restores exactly the same future stream.
  std::string state() const;
  void set_state(const std::string& state);  // throws cnn::Error on a malformed string

 private:
  uint64_t seed_ = 0;
  uint64_t offset_ = 0;
};

// The process-wide generator used when a function is not given one.
Generator& default_generator();
inline void manual_seed(uint64_t seed) {
  default_generator().manual_seed(seed);
}

}  // namespace cnn
