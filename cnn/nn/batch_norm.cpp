// BatchNorm2d module and fold_batchnorm (see batch_norm.h).
#include "cnn/nn/batch_norm.h"

#include <cmath>
#include <string>
#include <vector>

#include "cnn/autograd.h"
#include "cnn/error.h"
#include "cnn/nn/conv2d.h"
#include "cnn/ops.h"

namespace cnn::nn {

BatchNorm2d::BatchNorm2d(int num_features, float eps, float momentum)
    : num_features_(num_features), eps_(eps), momentum_(momentum) {
  if (num_features <= 0 || !(eps > 0.f) || !(momentum >= 0.f && momentum <= 1.f)) {
    throw Error("BatchNorm2d(" + extra_repr() +
                "): num_features and eps must be positive and momentum in [0, 1]");
  }
  weight_ = register_parameter("weight", Tensor::ones({num_features}));
  bias_ = register_parameter("bias", Tensor::zeros({num_features}));
  running_mean_ = register_buffer("running_mean", Tensor::zeros({num_features}));
  running_var_ = register_buffer("running_var", Tensor::ones({num_features}));
  num_batches_tracked_ = register_buffer("num_batches_tracked", Tensor::zeros({}));
}

Tensor BatchNorm2d::forward(const Tensor& x) {
  if (x.defined() && (x.dim() != 4 || x.size(1) != num_features_)) {
    throw Error("BatchNorm2d(" + extra_repr() + "): input " + shape_str(x.shape()) +
                " must be [N," + std::to_string(num_features_) + ",H,W]");
  }
  if (is_training()) {
    // A buffer update, not part of the graph.
    NoGradGuard no_grad;
    num_batches_tracked_.copy_(num_batches_tracked_ +
                               Tensor::ones({}, num_batches_tracked_.device()));
  }
  return batch_norm2d(x, weight_, bias_, running_mean_, running_var_, is_training(), momentum_,
                      eps_);
}

std::string BatchNorm2d::extra_repr() const {
  return std::to_string(num_features_) + ", eps=" + std::to_string(eps_) +
         ", momentum=" + std::to_string(momentum_);
}

Shape BatchNorm2d::output_shape(const Shape& in) const {
  if (in.size() != 4 || in[1] != num_features_) {
    throw Error("BatchNorm2d(" + extra_repr() + "): input " + shape_str(in) + " must be [N," +
                std::to_string(num_features_) + ",H,W]");
  }
  return in;
}

void fold_batchnorm(Conv2d& conv, const BatchNorm2d& bn) {
  const Tensor& weight = conv.weight();
  const int64_t K = weight.size(0);
  if (K != bn.num_features()) {
    throw Error("fold_batchnorm: conv weight " + shape_str(weight.shape()) + " has " +
                std::to_string(K) + " output channels, BatchNorm2d has " +
                std::to_string(bn.num_features()));
  }
  const Tensor& bias = conv.ensure_bias();
  const auto gamma = bn.weight().to_vector(), beta = bn.bias().to_vector();
  const auto mean = bn.running_mean().to_vector(), var = bn.running_var().to_vector();
  auto w = weight.to_vector();
  auto b = bias.to_vector();
  const int64_t per_filter = weight.numel() / K;
  for (int64_t k = 0; k < K; ++k) {
    const auto c = size_t(k);
    const double s = double(gamma[c]) / std::sqrt(double(var[c]) + double(bn.eps()));
    for (int64_t i = 0; i < per_filter; ++i) {
      float& wi = w[size_t(k * per_filter + i)];
      wi = float(double(wi) * s);
    }
    b[c] = float((double(b[c]) - double(mean[c])) * s + double(beta[c]));
  }
  // Same handles as the conv's registered parameters, so the module sees the new values.
  Tensor weight_handle = weight, bias_handle = bias;
  weight_handle.copy_(Tensor::from_vector(w, weight.shape(), weight.device()));
  bias_handle.copy_(Tensor::from_vector(b, bias.shape(), bias.device()));
}

}  // namespace cnn::nn
