// nn::Linear: y = x W^T + b with W [out, in] (PyTorch's layout) and PyTorch's default init,
// U(+-1/sqrt(in)) for weight and bias, drawn from a Generator on the host.
#pragma once

#include "cnn/nn/module.h"

namespace cnn {
class Generator;
}

namespace cnn::nn {

class Linear : public Module {
 public:
  Linear(int in_features, int out_features, bool bias = true, Generator* gen = nullptr);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 private:
  int in_features_, out_features_;
  Tensor weight_, bias_;
};

}  // namespace cnn::nn
