// nn::Conv2d: kernel, stride and zero padding per axis, groups, optional bias. Weight
// [out, in/groups, kh, kw] and bias [out], PyTorch's layout and default init (kaiming_uniform
// a=sqrt(5): U(+-1/sqrt(fan_in)) for both, fan_in = in/groups * kh * kw), drawn from a Generator
// on the host so a seed gives the same weights on every device.
#pragma once

#include "cnn/nn/module.h"

namespace cnn {
class Generator;
}

namespace cnn::nn {

// Hyper-parameters of a Conv2d beyond its channel counts. groups == in_channels (with
// out_channels a multiple of it) is a depthwise convolution.
struct Conv2dConfig {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_h = 0, pad_w = 0;
  int groups = 1;
  bool bias = true;
};

class Conv2d : public Module {
 public:
  // Square kernel, equal stride and padding on both axes, groups = 1. gen: the default generator
  // when null.
  Conv2d(int in_channels, int out_channels, int kernel_size, int stride = 1, int padding = 0,
         bool bias = true, Generator* gen = nullptr);
  // Everything per axis, and groups. throws cnn::Error: a non-positive size, negative padding,
  // or channels not divisible by groups.
  Conv2d(int in_channels, int out_channels, const Conv2dConfig& config, Generator* gen = nullptr);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Conv2d"; }
  // PyTorch's: "16, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=16"
  // (padding, groups and bias=False only when not the default).
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined when built without bias
  // The bias, first registering a zero one ("bias" [out], on the weight's device) when the conv
  // has none (fold_batchnorm gives a bias-free conv the BatchNorm's shift).
  const Tensor& ensure_bias() {
    if (!bias_.defined()) {
      bias_ = register_parameter("bias", Tensor::zeros({weight_.size(0)}, weight_.device()));
      config_.bias = true;
    }
    return bias_;
  }
  const Conv2dConfig& config() const { return config_; }
  int groups() const { return config_.groups; }

 private:
  int in_channels_, out_channels_;
  Conv2dConfig config_;
  Tensor weight_, bias_;
};

}  // namespace cnn::nn
