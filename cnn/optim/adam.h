// optim::Adam and AdamW (decoupled weight decay), PyTorch semantics with bias correction; one
// fused kernels adam_update per parameter.
#pragma once

#include <cstdint>

#include "cnn/optim/optimizer.h"

namespace cnn::optim {

struct AdamOptions {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.f;
  bool decoupled_weight_decay = false;  // true: AdamW
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options);
  void step() override;
  OptimizerState state_dict() const override;
  void load_state_dict(const OptimizerState& state) override;
  int64_t step_count() const { return step_; }

 private:
  AdamOptions options_;
  int64_t step_ = 0;
  std::vector<Tensor> exp_avg_, exp_avg_sq_;
};

// AdamW: Adam with decoupled weight decay (default 1e-2, as torch.optim.AdamW).
class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, AdamOptions options);
};

}  // namespace cnn::optim
