// Adam / AdamW through the fused adam_update kernel (see adam.h).
#include "cnn/optim/adam.h"

#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/optim_state.h"

namespace cnn::optim {

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Optimizer(std::move(params), options.lr),
      options_(options),
      exp_avg_(params_.size()),
      exp_avg_sq_(params_.size()) {
  if (options.lr < 0.f || options.eps < 0.f || options.weight_decay < 0.f ||
      !(options.beta1 >= 0.f && options.beta1 < 1.f) ||
      !(options.beta2 >= 0.f && options.beta2 < 1.f)) {
    throw Error("Adam: lr, eps, weight_decay must be non-negative and betas in [0, 1)");
  }
}

AdamW::AdamW(std::vector<Tensor> params, AdamOptions options)
    : Adam(std::move(params), [&] {
        options.decoupled_weight_decay = true;
        return options;
      }()) {}

void Adam::step() {
  NoGradGuard no_grad;
  ++step_;
  kernels::AdamParams k;
  k.lr = lr_;
  k.beta1 = options_.beta1;
  k.beta2 = options_.beta2;
  k.eps = options_.eps;
  k.weight_decay = options_.weight_decay;
  k.decoupled_weight_decay = options_.decoupled_weight_decay;
  k.step = step_;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    cnn::detail::check_same_device("Adam.step", "parameter", p, "grad", g);
    if (!exp_avg_[i].defined()) {
      exp_avg_[i] = Tensor::zeros(p.shape(), p.device());
      exp_avg_sq_[i] = Tensor::zeros(p.shape(), p.device());
    }
    float* m = exp_avg_[i].data();
    float* v = exp_avg_sq_[i].data();
    CNN_KERNEL(p.device(), "Adam.step",
               cnn::kcpu::adam_update(p.numel(), k, p.data(), g.data(), m, v),
               cnn::kcuda::adam_update(p.numel(), k, p.data(), g.data(), m, v,
                                       cnn::detail::cuda_stream()));
  }
}

OptimizerState Adam::state_dict() const {
  OptimizerState s;
  s.scalars["lr"] = detail::format_float(lr_);
  s.scalars["step"] = std::to_string(step_);
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!exp_avg_[i].defined()) continue;
    s.tensors.emplace_back(std::to_string(i) + ".exp_avg", exp_avg_[i]);
    s.tensors.emplace_back(std::to_string(i) + ".exp_avg_sq", exp_avg_sq_[i]);
  }
  return s;
}

void Adam::load_state_dict(const OptimizerState& state) {
  lr_ = detail::parse_float("lr", detail::scalar(state, "lr"));
  const std::string step = detail::scalar(state, "step");
  try {
    step_ = std::stoll(step);
  } catch (const std::exception&) {
    throw Error("Adam load_state_dict: scalar 'step' = '" + step + "' is not an integer");
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    exp_avg_[i] = detail::take_state(state, std::to_string(i) + ".exp_avg", params_[i]);
    exp_avg_sq_[i] = detail::take_state(state, std::to_string(i) + ".exp_avg_sq", params_[i]);
    if (exp_avg_[i].defined() != exp_avg_sq_[i].defined()) {
      throw Error("Adam load_state_dict: parameter " + std::to_string(i) +
                  " has only one of exp_avg / exp_avg_sq");
    }
  }
}

}  // namespace cnn::optim
