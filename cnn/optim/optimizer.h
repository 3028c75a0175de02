// optim::Optimizer: updates a fixed list of parameters from their .grad() with a fused kernel per
// parameter, on the parameter's device. Per-parameter state (momentum, Adam moments) is created
// lazily on that device. Parameters whose grad is undefined are skipped (PyTorch's behaviour).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cnn/nn/module.h"
#include "cnn/tensor.h"

namespace cnn::optim {

// What a checkpoint needs to resume an optimizer: tensors named "<param index>.<buffer>"
// ("0.momentum_buffer", "3.exp_avg") and scalars as strings ("lr", "step").
struct OptimizerState {
  nn::NamedTensors tensors;
  std::map<std::string, std::string> scalars;
};

class Optimizer {
 public:
  explicit Optimizer(std::vector<Tensor> params, float lr);
  virtual ~Optimizer() = default;

  virtual void step() = 0;
  void zero_grad();  // drops every parameter's grad

  float lr() const { return lr_; }
  void set_lr(float lr) { lr_ = lr; }
  const std::vector<Tensor>& params() const { return params_; }

  virtual OptimizerState state_dict() const = 0;
  // Restores state saved by state_dict() for the same parameter list; a missing or mis-shaped
  // buffer is a cnn::Error naming it.
  virtual void load_state_dict(const OptimizerState& state) = 0;

 protected:
  std::vector<Tensor> params_;
  float lr_;
};

}  // namespace cnn::optim
