// Parameter initialisation drawn on the host from a Generator (then uploaded by to(Device)), so a
// seed gives bit-identical weights on CPU and CUDA.
#pragma once

#include <cmath>
#include <cstdint>

#include "cnn/tensor.h"

namespace cnn {
class Generator;
}

namespace cnn::nn::init {

// U(-bound, bound) on the CPU; gen null means the default generator.
Tensor uniform(const Shape& shape, float bound, Generator* gen = nullptr);

// PyTorch's default for Conv2d/Linear weights and biases: kaiming_uniform_(a=sqrt(5)) gives
// bound = gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), i.e.
// 1/sqrt(fan_in); the bias uses the same bound. fan_in = in_channels * kH * kW (or in_features).
inline float default_bound(int64_t fan_in) {
  return fan_in > 0 ? 1.f / std::sqrt(static_cast<float>(fan_in)) : 0.f;
}

}  // namespace cnn::nn::init
