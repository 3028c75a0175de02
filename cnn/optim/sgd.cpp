// SGD through the fused sgd_update kernel (see sgd.h).
#include "cnn/optim/sgd.h"

#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/optim_state.h"

namespace cnn::optim {

SGD::SGD(std::vector<Tensor> params, const SgdOptions& options)
    : Optimizer(std::move(params), options.lr), options_(options), momentum_(params_.size()) {
  if (options.lr < 0.f || options.momentum < 0.f || options.weight_decay < 0.f) {
    throw Error("SGD: lr, momentum and weight_decay must be non-negative");
  }
  if (options.nesterov && (options.momentum <= 0.f || options.dampening != 0.f)) {
    throw Error("SGD: nesterov requires momentum > 0 and dampening == 0");
  }
}

void SGD::step() {
  NoGradGuard no_grad;
  kernels::SgdParams k;
  k.lr = lr_;
  k.momentum = options_.momentum;
  k.dampening = options_.dampening;
  k.weight_decay = options_.weight_decay;
  k.nesterov = options_.nesterov;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    cnn::detail::check_same_device("SGD.step", "parameter", p, "grad", g);
    float* buf = nullptr;
    if (k.momentum != 0.f) {
      // PyTorch's first step sets buf = d (d = grad + wd * param). The kernel computes
      // buf = m*buf + (1-damp)*d, so a zero buffer gives exactly that when damp == 0; with
      // dampening, start from (damp/m) * d instead.
      if (!momentum_[i].defined()) {
        if (k.dampening == 0.f) {
          momentum_[i] = Tensor::zeros(p.shape(), p.device());
        } else {
          momentum_[i] = g.clone();
          float* buf0 = momentum_[i].data();
          const float first = k.dampening / k.momentum;
          CNN_KERNEL(
              p.device(), "SGD.step",
              (kcpu::axpy(p.numel(), k.weight_decay, p.data(), buf0),
               kcpu::scale(p.numel(), first, buf0)),
              (kcuda::axpy(p.numel(), k.weight_decay, p.data(), buf0, cnn::detail::cuda_stream()),
               kcuda::scale(p.numel(), first, buf0, cnn::detail::cuda_stream())));
        }
      }
      buf = momentum_[i].data();
    }
    CNN_KERNEL(
        p.device(), "SGD.step", kcpu::sgd_update(p.numel(), k, p.data(), g.data(), buf),
        kcuda::sgd_update(p.numel(), k, p.data(), g.data(), buf, cnn::detail::cuda_stream()));
  }
}

OptimizerState SGD::state_dict() const {
  OptimizerState s;
  s.scalars["lr"] = detail::format_float(lr_);
  for (size_t i = 0; i < momentum_.size(); ++i) {
    if (momentum_[i].defined())
      s.tensors.emplace_back(std::to_string(i) + ".momentum_buffer", momentum_[i]);
  }
  return s;
}

void SGD::load_state_dict(const OptimizerState& state) {
  lr_ = detail::parse_float("lr", detail::scalar(state, "lr"));
  for (size_t i = 0; i < params_.size(); ++i) {
    momentum_[i] = detail::take_state(state, std::to_string(i) + ".momentum_buffer", params_[i]);
  }
}

}  // namespace cnn::optim
