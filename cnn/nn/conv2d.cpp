// Conv2d module (see conv2d.h).
#include "cnn/nn/conv2d.h"

#include "cnn/error.h"
#include "cnn/nn/init.h"
#include "cnn/ops.h"

namespace cnn::nn {

namespace {

Conv2dConfig square(int kernel_size, int stride, int padding, bool bias) {
  Conv2dConfig c;
  c.kernel_h = c.kernel_w = kernel_size;
  c.stride_h = c.stride_w = stride;
  c.pad_h = c.pad_w = padding;
  c.bias = bias;
  return c;
}

std::string pair_str(int a, int b) {
  return "(" + std::to_string(a) + ", " + std::to_string(b) + ")";
}

}  // namespace

Conv2d::Conv2d(int in_channels, int out_channels, int kernel_size, int stride, int padding,
               bool bias, Generator* gen)
    : Conv2d(in_channels, out_channels, square(kernel_size, stride, padding, bias), gen) {}

Conv2d::Conv2d(int in_channels, int out_channels, const Conv2dConfig& config, Generator* gen)
    : in_channels_(in_channels), out_channels_(out_channels), config_(config) {
  const Conv2dConfig& c = config_;
  if (in_channels <= 0 || out_channels <= 0 || c.kernel_h <= 0 || c.kernel_w <= 0 ||
      c.stride_h <= 0 || c.stride_w <= 0 || c.pad_h < 0 || c.pad_w < 0 || c.groups <= 0) {
    throw Error("Conv2d(" + extra_repr() +
                "): channels, kernel, stride and groups must be positive, padding not negative");
  }
  if (in_channels % c.groups != 0 || out_channels % c.groups != 0) {
    throw Error("Conv2d(" + extra_repr() + "): in_channels " + std::to_string(in_channels) +
                " and out_channels " + std::to_string(out_channels) +
                " must both be divisible by groups=" + std::to_string(c.groups));
  }
  const int per_group = in_channels / c.groups;
  const int64_t fan_in = int64_t(per_group) * c.kernel_h * c.kernel_w;
  const float bound = init::default_bound(fan_in);
  // Weight first, then bias: the same draw order as PyTorch's reset_parameters.
  weight_ = register_parameter(
      "weight", init::uniform({out_channels, per_group, c.kernel_h, c.kernel_w}, bound, gen));
  if (c.bias) bias_ = register_parameter("bias", init::uniform({out_channels}, bound, gen));
}

Tensor Conv2d::forward(const Tensor& x) {
  Conv2dOptions o;
  o.stride_h = config_.stride_h, o.stride_w = config_.stride_w;
  o.pad_h = config_.pad_h, o.pad_w = config_.pad_w;
  o.groups = config_.groups;
  return conv2d(x, weight_, bias_, o);
}

std::string Conv2d::extra_repr() const {
  const Conv2dConfig& c = config_;
  std::string s = std::to_string(in_channels_) + ", " + std::to_string(out_channels_) +
                  ", kernel_size=" + pair_str(c.kernel_h, c.kernel_w) +
                  ", stride=" + pair_str(c.stride_h, c.stride_w);
  if (c.pad_h != 0 || c.pad_w != 0) s += ", padding=" + pair_str(c.pad_h, c.pad_w);
  if (c.groups != 1) s += ", groups=" + std::to_string(c.groups);
  if (!c.bias) s += ", bias=False";
  return s;
}

Shape Conv2d::output_shape(const Shape& in) const {
  if (in.size() != 4 || in[1] != in_channels_) {
    throw Error("Conv2d(" + extra_repr() + "): input " + shape_str(in) + " must be [N," +
                std::to_string(in_channels_) + ",H,W]");
  }
  const Conv2dConfig& c = config_;
  auto out = [](int64_t n, int kernel, int stride, int pad) {
    const int64_t span = n + 2 * pad - kernel;
    return span < 0 ? int64_t(0) : span / stride + 1;
  };
  return {in[0], out_channels_, out(in[2], c.kernel_h, c.stride_h, c.pad_h),
          out(in[3], c.kernel_w, c.stride_w, c.pad_w)};
}

}  // namespace cnn::nn
