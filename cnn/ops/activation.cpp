// Elementwise activations: relu and dropout.
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"
#include "cnn/random.h"

namespace cnn {

Tensor relu(const Tensor& x) {
  detail::check_defined("relu", "input", x);
  Tensor y = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(x.device(), "relu", kcpu::relu_forward(x.numel(), x.data(), y.data()),
             kcuda::relu_forward(x.numel(), x.data(), y.data(), detail::cuda_stream()));
  return record("relu", y, {x}, [x](const Tensor& dy) {
    Tensor dx = Tensor::empty(x.shape(), dy.device());
    CNN_KERNEL(
        dy.device(), "relu backward",
        kcpu::relu_backward(x.numel(), x.data(), dy.data(), dx.data()),
        kcuda::relu_backward(x.numel(), x.data(), dy.data(), dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

Tensor dropout(const Tensor& x, float p, bool training, Generator* gen) {
  detail::check_defined("dropout", "input", x);
  if (!(p >= 0.f && p < 1.f)) {
    throw Error("dropout: probability " + std::to_string(p) + " must be in [0, 1)");
  }
  if (!training || p == 0.f) return x;
  const uint64_t seed = (gen ? *gen : default_generator()).next_u64();
  Tensor y = Tensor::empty(x.shape(), x.device());
  Tensor mask = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(x.device(), "dropout",
             kcpu::dropout_forward(x.numel(), p, seed, x.data(), y.data(), mask.data()),
             kcuda::dropout_forward(x.numel(), p, seed, x.data(), y.data(), mask.data(),
                                    detail::cuda_stream()));
  return record("dropout", y, {x}, [mask](const Tensor& dy) {
    Tensor dx = Tensor::empty(dy.shape(), dy.device());
    CNN_KERNEL(dy.device(), "dropout backward",
               kcpu::mul(dy.numel(), dy.data(), mask.data(), dx.data()),
               kcuda::mul(dy.numel(), dy.data(), mask.data(), dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

}  // namespace cnn
