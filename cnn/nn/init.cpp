// Host-side parameter initialisation (see init.h).
#include "cnn/nn/init.h"

#include "cnn/random.h"

namespace cnn::nn::init {

Tensor uniform(const Shape& shape, float bound, Generator* gen) {
  return Tensor::rand(shape, Device::cpu(), gen, -bound, bound);
}

}  // namespace cnn::nn::init
