// linear: y = x W^T + b, backward as data, weight and bias kernels.
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  detail::check_defined("linear", "input", x);
  detail::check_defined("linear", "weight", weight);
  detail::check_dim("linear", "input", x, 2);
  detail::check_dim("linear", "weight", weight, 2);
  detail::check_same_device("linear", "input", x, "weight", weight);
  if (x.size(1) != weight.size(1)) {
    throw Error("linear: input " + shape_str(x.shape()) + " has " + std::to_string(x.size(1)) +
                " features, weight " + shape_str(weight.shape()) + " expects " +
                std::to_string(weight.size(1)));
  }
  if (bias.defined()) {
    detail::check_same_device("linear", "input", x, "bias", bias);
    if (bias.shape() != Shape{weight.size(0)}) {
      throw Error("linear: bias " + shape_str(bias.shape()) + " does not match weight " +
                  shape_str(weight.shape()) + " (expected [" + std::to_string(weight.size(0)) +
                  "])");
    }
  }
  kernels::LinearShape s;
  s.M = detail::to_int("linear", x.size(0));
  s.K = detail::to_int("linear", x.size(1));
  s.N = detail::to_int("linear", weight.size(0));
  if (!s.valid()) throw Error("linear: empty operand " + shape_str(x.shape()));
  Tensor y = Tensor::empty({s.M, s.N}, x.device());
  const float* b = bias.defined() ? bias.data() : nullptr;
  CNN_KERNEL(x.device(), "linear", kcpu::linear_forward(s, x.data(), weight.data(), b, y.data()),
             kcuda::linear_forward(s, x.data(), weight.data(), b, y.data(), detail::cuda_stream()));

  return record("linear", y, {x, weight, bias}, [s, x, weight, bias](const Tensor& dy) {
    Tensor dx, dw, db;
    const Device d = dy.device();
    if (x.requires_grad()) {
      dx = Tensor::empty(x.shape(), d);
      CNN_KERNEL(d, "linear backward (data)",
                 kcpu::linear_backward_data(s, dy.data(), weight.data(), dx.data()),
                 kcuda::linear_backward_data(s, dy.data(), weight.data(), dx.data(),
                                             detail::cuda_stream()));
    }
    if (weight.requires_grad()) {
      dw = Tensor::empty(weight.shape(), d);
      CNN_KERNEL(
          d, "linear backward (weight)",
          kcpu::linear_backward_weight(s, dy.data(), x.data(), dw.data()),
          kcuda::linear_backward_weight(s, dy.data(), x.data(), dw.data(), detail::cuda_stream()));
    }
    if (bias.defined() && bias.requires_grad()) {
      db = Tensor::empty(bias.shape(), d);
      CNN_KERNEL(d, "linear backward (bias)", kcpu::linear_backward_bias(s, dy.data(), db.data()),
                 kcuda::linear_backward_bias(s, dy.data(), db.data(), detail::cuda_stream()));
    }
    return std::vector<Tensor>{dx, dw, db};
  });
}

}  // namespace cnn
