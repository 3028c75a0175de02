// Counter-based Generator (see random.h).
#include "cnn/random.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "cnn/error.h"
#include "kernels/random_hash.h"

namespace cnn {

float Generator::uniform() {
  return kernels::uniform01(seed_, offset_++);
}

uint64_t Generator::next_u64() {
  return kernels::mix64(kernels::mix64(seed_) ^ offset_++);
}

float Generator::normal() {
  // Box-Muller on two fresh draws; 1 - u keeps the log argument in (0, 1].
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2));
}

std::string Generator::state() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%" PRIu64 ":%" PRIu64, seed_, offset_);
  return buf;
}

void Generator::set_state(const std::string& state) {
  uint64_t seed = 0, offset = 0;
  int consumed = 0;
  if (std::sscanf(state.c_str(), "%" SCNu64 ":%" SCNu64 "%n", &seed, &offset, &consumed) != 2 ||
      consumed != static_cast<int>(state.size())) {
    throw Error("Generator::set_state: malformed state '" + state + "' (expected SEED:OFFSET)");
  }
  seed_ = seed;
  offset_ = offset;
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

}  // namespace cnn
