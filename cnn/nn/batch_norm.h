// nn::BatchNorm2d (PyTorch's names, defaults and running-stat rule) and fold_batchnorm, which folds
// an eval-mode BatchNorm2d into the convolution before it for inference.
//
// State, in PyTorch's state_dict order: parameters `weight` (1) and `bias` (0), buffers
// `running_mean` (0), `running_var` (1) and `num_batches_tracked` - an int64 scalar in PyTorch, a
// float32 scalar here because every libcnn tensor is float32; it counts training forwards (exact
// up to 2^24). Training mode (Module::train()) normalises with the batch statistics and updates the
// running ones; eval mode uses the running statistics.
#pragma once

#include "cnn/nn/module.h"

namespace cnn::nn {

class Conv2d;

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int num_features, float eps = 1e-5f, float momentum = 0.1f);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "BatchNorm2d"; }
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

  int num_features() const { return num_features_; }
  float eps() const { return eps_; }
  float momentum() const { return momentum_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }
  const Tensor& running_var() const { return running_var_; }
  const Tensor& num_batches_tracked() const { return num_batches_tracked_; }

 private:
  int num_features_;
  float eps_, momentum_;
  Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

// Folds bn (as in eval mode: running statistics) into conv so that conv'(x) == bn(conv(x)):
// per output channel k, with s_k = bn.weight[k] / sqrt(bn.running_var[k] + eps),
//   weight'[k] = weight[k] * s_k,  bias'[k] = (bias[k] - running_mean[k]) * s_k + bn.bias[k]
// (bias[k] = 0 when the conv has none; a bias is then created). Computed in double on the host and
// written into the conv's own tensors, on their device. Throws when the channel counts differ.
void fold_batchnorm(Conv2d& conv, const BatchNorm2d& bn);

}  // namespace cnn::nn
