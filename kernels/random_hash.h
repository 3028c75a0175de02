// Counter-based random numbers: value i of stream `seed` is a pure function of (seed, i), so the
// reference, CPU and CUDA backends draw identical dropout masks with no RNG state to carry.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define CNN_HOST_DEVICE __host__ __device__
#else
#define CNN_HOST_DEVICE
#endif

namespace cnn::kernels {

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective, well-mixed 64-bit hash.
CNN_HOST_DEVICE inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform float in [0, 1) with 24 random bits.
CNN_HOST_DEVICE inline float uniform01(uint64_t seed, uint64_t i) {
  const uint64_t bits = mix64(mix64(seed) + i * 0x9e3779b97f4a7c15ULL);
  return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);
}

}  // namespace cnn::kernels
