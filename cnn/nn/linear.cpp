// Linear module (see linear.h).
#include "cnn/nn/linear.h"

#include "cnn/error.h"
#include "cnn/nn/init.h"
#include "cnn/ops.h"

namespace cnn::nn {

Linear::Linear(int in_features, int out_features, bool bias, Generator* gen)
    : in_features_(in_features), out_features_(out_features) {
  if (in_features <= 0 || out_features <= 0) {
    throw Error("Linear(" + extra_repr() + "): feature counts must be positive");
  }
  const float bound = init::default_bound(in_features);
  weight_ = register_parameter("weight", init::uniform({out_features, in_features}, bound, gen));
  if (bias) bias_ = register_parameter("bias", init::uniform({out_features}, bound, gen));
}

Tensor Linear::forward(const Tensor& x) {
  return linear(x, weight_, bias_);
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features_) +
         ", out_features=" + std::to_string(out_features_);
}

Shape Linear::output_shape(const Shape& in) const {
  if (in.size() != 2 || in[1] != in_features_) {
    throw Error("Linear(" + extra_repr() + "): input " + shape_str(in) + " must be [N," +
                std::to_string(in_features_) + "]");
  }
  return {in[0], out_features_};
}

}  // namespace cnn::nn
