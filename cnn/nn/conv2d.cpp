// Conv2d module (see conv2d.h).
#include "cnn/nn/conv2d.h"

#include "cnn/error.h"
#include "cnn/nn/init.h"
#include "cnn/ops.h"

namespace cnn::nn {

Conv2d::Conv2d(int in_channels, int out_channels, int kernel_size, int stride, int padding,
               bool bias, Generator* gen)
    : in_channels_(in_channels),
      out_channels_(out_channels),
      kernel_size_(kernel_size),
      stride_(stride),
      padding_(padding) {
  if (in_channels <= 0 || out_channels <= 0 || kernel_size <= 0 || stride <= 0 || padding < 0) {
    throw Error("Conv2d(" + extra_repr() + "): channels, kernel and stride must be positive");
  }
  const int64_t fan_in = int64_t(in_channels) * kernel_size * kernel_size;
  const float bound = init::default_bound(fan_in);
  // Weight first, then bias: the same draw order as PyTorch's reset_parameters.
  weight_ = register_parameter(
      "weight", init::uniform({out_channels, in_channels, kernel_size, kernel_size}, bound, gen));
  if (bias) bias_ = register_parameter("bias", init::uniform({out_channels}, bound, gen));
}

Tensor Conv2d::forward(const Tensor& x) {
  return conv2d(x, weight_, bias_, stride_, padding_);
}

std::string Conv2d::extra_repr() const {
  return std::to_string(in_channels_) + ", " + std::to_string(out_channels_) +
         ", kernel_size=" + std::to_string(kernel_size_) + ", stride=" + std::to_string(stride_) +
         ", padding=" + std::to_string(padding_);
}

Shape Conv2d::output_shape(const Shape& in) const {
  if (in.size() != 4 || in[1] != in_channels_) {
    throw Error("Conv2d(" + extra_repr() + "): input " + shape_str(in) + " must be [N," +
                std::to_string(in_channels_) + ",H,W]");
  }
  auto out = [&](int64_t n) { return (n + 2 * padding_ - kernel_size_) / stride_ + 1; };
  return {in[0], out_channels_, out(in[2]), out(in[3])};
}

}  // namespace cnn::nn
