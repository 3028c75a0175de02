// Elementwise activations beyond relu: leaky_relu, clamp (hardtanh) and relu6 = clamp(0, 6),
// sigmoid. Gradient rules at the kinks are PyTorch's (kernels/host_ops.inc); sigmoid's backward
// uses its own output (dx = dy*y*(1-y)), so the node keeps y rather than x.
#include <cmath>
#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/tensor_impl.h"
#include "cnn/ops.h"

namespace cnn {

Tensor leaky_relu(const Tensor& x, float negative_slope) {
  detail::check_defined("leaky_relu", "input", x);
  if (!std::isfinite(negative_slope)) {
    throw Error("leaky_relu: negative_slope " + std::to_string(negative_slope) + " must be finite");
  }
  const float slope = negative_slope;
  Tensor y = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(
      x.device(), "leaky_relu", kcpu::leaky_relu_forward(x.numel(), slope, x.data(), y.data()),
      kcuda::leaky_relu_forward(x.numel(), slope, x.data(), y.data(), detail::cuda_stream()));
  return record("leaky_relu", y, {x}, [x, slope](const Tensor& dy) {
    Tensor dx = Tensor::empty(x.shape(), dy.device());
    CNN_KERNEL(dy.device(), "leaky_relu backward",
               kcpu::leaky_relu_backward(x.numel(), slope, x.data(), dy.data(), dx.data()),
               kcuda::leaky_relu_backward(x.numel(), slope, x.data(), dy.data(), dx.data(),
                                          detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

Tensor clamp(const Tensor& x, float lo, float hi) {
  detail::check_defined("clamp", "input", x);
  if (!(lo <= hi)) {  // also rejects NaN bounds
    throw Error("clamp: lower bound " + std::to_string(lo) + " must not exceed upper bound " +
                std::to_string(hi));
  }
  Tensor y = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(x.device(), "clamp", kcpu::clamp_forward(x.numel(), lo, hi, x.data(), y.data()),
             kcuda::clamp_forward(x.numel(), lo, hi, x.data(), y.data(), detail::cuda_stream()));
  return record("clamp", y, {x}, [x, lo, hi](const Tensor& dy) {
    Tensor dx = Tensor::empty(x.shape(), dy.device());
    CNN_KERNEL(dy.device(), "clamp backward",
               kcpu::clamp_backward(x.numel(), lo, hi, x.data(), dy.data(), dx.data()),
               kcuda::clamp_backward(x.numel(), lo, hi, x.data(), dy.data(), dx.data(),
                                     detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

Tensor relu6(const Tensor& x) {
  detail::check_defined("relu6", "input", x);
  return clamp(x, 0.f, 6.f);
}

Tensor sigmoid(const Tensor& x) {
  detail::check_defined("sigmoid", "input", x);
  Tensor y = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(x.device(), "sigmoid", kcpu::sigmoid_forward(x.numel(), x.data(), y.data()),
             kcuda::sigmoid_forward(x.numel(), x.data(), y.data(), detail::cuda_stream()));
  // The closure keeps an alias of y, not y itself: y's node holding y would be a cycle.
  const Tensor saved = detail::alias(y, y.shape());
  return record("sigmoid", y, {x}, [saved](const Tensor& dy) {
    Tensor dx = Tensor::empty(saved.shape(), dy.device());
    CNN_KERNEL(dy.device(), "sigmoid backward",
               kcpu::sigmoid_backward(saved.numel(), saved.data(), dy.data(), dx.data()),
               kcuda::sigmoid_backward(saved.numel(), saved.data(), dy.data(), dx.data(),
                                       detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

}  // namespace cnn
