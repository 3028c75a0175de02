// Fused SGD (momentum, dampening, Nesterov, weight decay) and Adam/AdamW updates on the CPU, with
// PyTorch's semantics. One pass over the parameters reads grad and state once and writes param and
// state once: these updates are memory bound (82M parameters = 1 GB of traffic per Adam step).
#include <cmath>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

void sgd_update(int64_t n, const SgdParams& p, float* param, const float* grad,
                float* momentum_buf) {
  const float lr = p.lr, momentum = p.momentum, wd = p.weight_decay;
  const float grad_scale = 1.f - p.dampening;
  if (momentum == 0.f) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) param[i] -= lr * (grad[i] + wd * param[i]);
    return;
  }
  const bool nesterov = p.nesterov;
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i] + wd * param[i];
    const float buf = momentum * momentum_buf[i] + grad_scale * g;
    momentum_buf[i] = buf;
    param[i] -= lr * (nesterov ? g + momentum * buf : buf);
  }
}

void adam_update(int64_t n, const AdamParams& p, float* param, const float* grad, float* m,
                 float* v) {
  // Step-dependent constants in double, once per call (pow of beta near 1 loses bits in float).
  const double bias_correction1 = 1.0 - std::pow(double(p.beta1), double(p.step));
  const double bias_correction2 = 1.0 - std::pow(double(p.beta2), double(p.step));
  const float step_size = float(double(p.lr) / bias_correction1);
  const float inv_sqrt_bc2 = float(1.0 / std::sqrt(bias_correction2));
  const float b1 = p.beta1, b2 = p.beta2, eps = p.eps, wd = p.weight_decay;
  const float decay = p.decoupled_weight_decay ? 1.f - p.lr * wd : 1.f;  // AdamW shrink
  const float coupled_wd = p.decoupled_weight_decay ? 0.f : wd;          // Adam: L2 in the grad
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float w = param[i] * decay;
    const float g = grad[i] + coupled_wd * param[i];
    const float mi = b1 * m[i] + (1.f - b1) * g;
    const float vi = b2 * v[i] + (1.f - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = w - step_size * mi / (std::sqrt(vi) * inv_sqrt_bc2 + eps);
  }
}

}  // namespace cnn::kernels::cpu
