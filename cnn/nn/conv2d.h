// nn::Conv2d: square kernel, stride, zero padding, optional bias. Weight [out, in, k, k] and bias
// [out], PyTorch's layout and default init (kaiming_uniform a=sqrt(5): U(+-1/sqrt(fan_in)) for
// both), drawn from a Generator on the host so a seed gives the same weights on every device.
#pragma once

#include "cnn/nn/module.h"

namespace cnn {
class Generator;
}

namespace cnn::nn {

class Conv2d : public Module {
 public:
  // gen: the default generator when null.
  Conv2d(int in_channels, int out_channels, int kernel_size, int stride = 1, int padding = 0,
         bool bias = true, Generator* gen = nullptr);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Conv2d"; }
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined when built without bias

 private:
  int in_channels_, out_channels_, kernel_size_, stride_, padding_;
  Tensor weight_, bias_;
};

}  // namespace cnn::nn
