// Elementwise ops and full reductions: add, sub, mul, scalar mul, sum, mean.
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/tensor_impl.h"
#include "cnn/ops.h"

namespace cnn {
namespace {

void check_binary(const char* op, const Tensor& a, const Tensor& b) {
  detail::check_defined(op, "a", a);
  detail::check_defined(op, "b", b);
  detail::check_same_device(op, "a", a, "b", b);
  if (a.shape() != b.shape()) {
    throw Error(std::string(op) + ": shapes " + shape_str(a.shape()) + " and " +
                shape_str(b.shape()) + " differ (libcnn does not broadcast)");
  }
}

Tensor scaled(const Tensor& x, float alpha) {
  Tensor out = x.clone();
  CNN_KERNEL(out.device(), "scale", kcpu::scale(out.numel(), alpha, out.data()),
             kcuda::scale(out.numel(), alpha, out.data(), detail::cuda_stream()));
  return out;
}

// A tensor of `shape` whose every element is the one value in `scalar`, computed on the device
// (no host round trip): a rank-1 product ones[n,1] * scalar[1,1]^T through the linear kernel.
Tensor broadcast_scalar(const Tensor& scalar, const Shape& shape) {
  const int64_t n = shape_numel(shape);
  Tensor ones = Tensor::ones({n, 1}, scalar.device());
  Tensor out = Tensor::empty(shape, scalar.device());
  const kernels::LinearShape s{detail::to_int("broadcast", n), 1, 1};
  CNN_KERNEL(out.device(), "broadcast",
             kcpu::linear_forward(s, ones.data(), scalar.data(), nullptr, out.data()),
             kcuda::linear_forward(s, ones.data(), scalar.data(), nullptr, out.data(),
                                   detail::cuda_stream()));
  return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  check_binary("add", a, b);
  Tensor out = Tensor::empty(a.shape(), a.device());
  CNN_KERNEL(a.device(), "add", kcpu::add(a.numel(), a.data(), b.data(), out.data()),
             kcuda::add(a.numel(), a.data(), b.data(), out.data(), detail::cuda_stream()));
  return record("add", out, {a, b}, [](const Tensor& g) { return std::vector<Tensor>{g, g}; });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  check_binary("sub", a, b);
  Tensor out = a.clone();
  CNN_KERNEL(a.device(), "sub", kcpu::axpy(a.numel(), -1.f, b.data(), out.data()),
             kcuda::axpy(a.numel(), -1.f, b.data(), out.data(), detail::cuda_stream()));
  return record("sub", out, {a, b}, [](const Tensor& g) {
    return std::vector<Tensor>{g, scaled(g, -1.f)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  check_binary("mul", a, b);
  Tensor out = Tensor::empty(a.shape(), a.device());
  CNN_KERNEL(a.device(), "mul", kcpu::mul(a.numel(), a.data(), b.data(), out.data()),
             kcuda::mul(a.numel(), a.data(), b.data(), out.data(), detail::cuda_stream()));
  return record("mul", out, {a, b}, [a, b](const Tensor& g) {
    // Products are computed with grad recording off (we are inside backward), so plain tensors.
    Tensor da, db;
    if (a.requires_grad()) da = mul(g, b.detach());
    if (b.requires_grad()) db = mul(g, a.detach());
    return std::vector<Tensor>{da, db};
  });
}

Tensor mul(const Tensor& a, float scalar) {
  detail::check_defined("mul", "a", a);
  return record("mul_scalar", scaled(a, scalar), {a},
                [scalar](const Tensor& g) { return std::vector<Tensor>{scaled(g, scalar)}; });
}

Tensor sum(const Tensor& x) {
  detail::check_defined("sum", "input", x);
  Tensor out = Tensor::empty({}, x.device());
  CNN_KERNEL(x.device(), "sum", kcpu::sum_axis(1, x.numel(), 1, x.data(), out.data()),
             kcuda::sum_axis(1, x.numel(), 1, x.data(), out.data(), detail::cuda_stream()));
  const Shape shape = x.shape();
  return record("sum", out, {x}, [shape](const Tensor& g) {
    return std::vector<Tensor>{broadcast_scalar(g, shape)};
  });
}

Tensor mean(const Tensor& x) {
  detail::check_defined("mean", "input", x);
  if (x.numel() == 0) throw Error("mean: empty tensor " + shape_str(x.shape()));
  Tensor total = sum(x.detach());
  const float inv_n = 1.f / static_cast<float>(x.numel());
  Tensor out = scaled(total, inv_n);
  const Shape shape = x.shape();
  return record("mean", out, {x}, [shape, inv_n](const Tensor& g) {
    return std::vector<Tensor>{scaled(broadcast_scalar(g, shape), inv_n)};
  });
}

}  // namespace cnn
