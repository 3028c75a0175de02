// conv2d: forward, and backward as three kernels (data, weight, bias), each launched only for the
// inputs that need a gradient. Per-axis stride/padding and groups come in Conv2dOptions; the
// square-kernel (stride, padding) form is the same op with both axes equal and groups = 1.
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int padding) {
  Conv2dOptions o;
  o.stride_h = o.stride_w = stride;
  o.pad_h = o.pad_w = padding;
  return conv2d(x, weight, bias, o);
}

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& o) {
  detail::check_defined("conv2d", "input", x);
  detail::check_defined("conv2d", "weight", weight);
  detail::check_dim("conv2d", "input", x, 4);
  detail::check_dim("conv2d", "weight", weight, 4);
  detail::check_same_device("conv2d", "input", x, "weight", weight);
  const int groups = o.groups;
  if (groups <= 0) throw Error("conv2d: groups must be positive, got " + std::to_string(groups));
  if (x.size(1) % groups != 0) {
    throw Error("conv2d: input " + shape_str(x.shape()) + " has " + std::to_string(x.size(1)) +
                " channels, not divisible by groups=" + std::to_string(groups));
  }
  if (weight.size(0) % groups != 0) {
    throw Error("conv2d: weight " + shape_str(weight.shape()) + " has " +
                std::to_string(weight.size(0)) +
                " filters, not divisible by groups=" + std::to_string(groups));
  }
  if (x.size(1) != weight.size(1) * groups) {
    throw Error("conv2d: input " + shape_str(x.shape()) + " has " + std::to_string(x.size(1)) +
                " channels, weight " + shape_str(weight.shape()) + " expects " +
                std::to_string(weight.size(1) * groups) +
                (groups == 1 ? std::string()
                             : " (" + std::to_string(weight.size(1)) +
                                   " per group x groups=" + std::to_string(groups) + ")"));
  }
  if (bias.defined()) {
    detail::check_same_device("conv2d", "input", x, "bias", bias);
    if (bias.shape() != Shape{weight.size(0)}) {
      throw Error("conv2d: bias " + shape_str(bias.shape()) + " does not match weight " +
                  shape_str(weight.shape()) + " (expected [" + std::to_string(weight.size(0)) +
                  "])");
    }
  }
  kernels::Conv2dShape s;
  s.N = detail::to_int("conv2d", x.size(0));
  s.C = detail::to_int("conv2d", x.size(1));
  s.H = detail::to_int("conv2d", x.size(2));
  s.W = detail::to_int("conv2d", x.size(3));
  s.K = detail::to_int("conv2d", weight.size(0));
  s.R = detail::to_int("conv2d", weight.size(2));
  s.S = detail::to_int("conv2d", weight.size(3));
  s.stride_h = o.stride_h, s.stride_w = o.stride_w;
  s.pad_h = o.pad_h, s.pad_w = o.pad_w;
  s.groups = groups;
  if (!s.valid()) {
    throw Error("conv2d: input " + shape_str(x.shape()) + " with weight " +
                shape_str(weight.shape()) + ", stride (" + std::to_string(o.stride_h) + ", " +
                std::to_string(o.stride_w) + "), padding (" + std::to_string(o.pad_h) + ", " +
                std::to_string(o.pad_w) + ") gives no valid output");
  }
  Tensor y = Tensor::empty({s.N, s.K, s.P(), s.Q()}, x.device());
  const float* b = bias.defined() ? bias.data() : nullptr;
  CNN_KERNEL(x.device(), "conv2d", kcpu::conv2d_forward(s, x.data(), weight.data(), b, y.data()),
             kcuda::conv2d_forward(s, x.data(), weight.data(), b, y.data(), detail::cuda_stream()));

  return record("conv2d", y, {x, weight, bias}, [s, x, weight, bias](const Tensor& dy) {
    Tensor dx, dw, db;
    const Device d = dy.device();
    if (x.requires_grad()) {
      dx = Tensor::empty(x.shape(), d);
      CNN_KERNEL(d, "conv2d backward (data)",
                 kcpu::conv2d_backward_data(s, dy.data(), weight.data(), dx.data()),
                 kcuda::conv2d_backward_data(s, dy.data(), weight.data(), dx.data(),
                                             detail::cuda_stream()));
    }
    if (weight.requires_grad()) {
      dw = Tensor::empty(weight.shape(), d);
      CNN_KERNEL(
          d, "conv2d backward (weight)",
          kcpu::conv2d_backward_weight(s, x.data(), dy.data(), dw.data()),
          kcuda::conv2d_backward_weight(s, x.data(), dy.data(), dw.data(), detail::cuda_stream()));
    }
    if (bias.defined() && bias.requires_grad()) {
      db = Tensor::empty(bias.shape(), d);
      CNN_KERNEL(d, "conv2d backward (bias)", kcpu::conv2d_backward_bias(s, dy.data(), db.data()),
                 kcuda::conv2d_backward_bias(s, dy.data(), db.data(), detail::cuda_stream()));
    }
    return std::vector<Tensor>{dx, dw, db};
  });
}

}  // namespace cnn
