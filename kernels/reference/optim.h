// Reference fused optimizer updates (SGD with momentum/Nesterov, Adam/AdamW) with PyTorch's
// semantics (torch.optim.SGD / Adam, single-tensor path), templated over the scalar type. Each
// parameter is updated independently, in double, then stored back.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

// g = grad + wd*param; buf = momentum*buf + (1-dampening)*g; g = nesterov ? g + momentum*buf : buf;
// param -= lr*g. momentum_buf is neither read nor written when p.momentum == 0 (may be null).
template <typename T>
void sgd_update(int64_t n, const SgdParams& p, T* param, const T* grad, T* momentum_buf) {
  const double lr = p.lr, momentum = p.momentum, dampening = p.dampening, wd = p.weight_decay;
  for (int64_t i = 0; i < n; ++i) {
    double g = double(grad[i]) + wd * double(param[i]);
    if (momentum != 0.0) {
      const double buf = momentum * double(momentum_buf[i]) + (1.0 - dampening) * g;
      momentum_buf[i] = T(buf);
      g = p.nesterov ? g + momentum * buf : buf;
    }
    param[i] = T(double(param[i]) - lr * g);
  }
}

// Adam with bias correction at step p.step (1-based); AdamW when p.decoupled_weight_decay.
// m, v: first and second moment buffers, updated in place.
template <typename T>
void adam_update(int64_t n, const AdamParams& p, T* param, const T* grad, T* m, T* v) {
  const double lr = p.lr, b1 = p.beta1, b2 = p.beta2, eps = p.eps, wd = p.weight_decay;
  const double bias_correction1 = 1.0 - std::pow(b1, double(p.step));
  const double bias_correction2 = 1.0 - std::pow(b2, double(p.step));
  const double step_size = lr / bias_correction1;
  const double sqrt_bc2 = std::sqrt(bias_correction2);
  for (int64_t i = 0; i < n; ++i) {
    double w = param[i];
    double g = grad[i];
    if (p.decoupled_weight_decay)
      w *= 1.0 - lr * wd;
    else
      g += wd * w;
    const double mi = b1 * double(m[i]) + (1.0 - b1) * g;
    const double vi = b2 * double(v[i]) + (1.0 - b2) * g * g;
    m[i] = T(mi);
    v[i] = T(vi);
    param[i] = T(w - step_size * mi / (std::sqrt(vi) / sqrt_bc2 + eps));
  }
}

}  // namespace cnn::kernels::reference::generic
