// optim::SGD with momentum, dampening, Nesterov and L2 weight decay (PyTorch semantics, one fused
// kernels sgd_update per parameter).
#pragma once

#include "cnn/optim/optimizer.h"

namespace cnn::optim {

struct SgdOptions {
  float lr = 1e-3f;
  float momentum = 0.f;
  float dampening = 0.f;
  float weight_decay = 0.f;
  bool nesterov = false;  // requires momentum > 0 and dampening == 0 (as PyTorch)
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SgdOptions& options);
  void step() override;
  OptimizerState state_dict() const override;
  void load_state_dict(const OptimizerState& state) override;
  const SgdOptions& options() const { return options_; }

 private:
  SgdOptions options_;
  std::vector<Tensor> momentum_;  // one per parameter, undefined until first used
};

}  // namespace cnn::optim
