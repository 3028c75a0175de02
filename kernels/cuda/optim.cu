// Fused optimizer updates: one pass over param/grad/state per step, float4-vectorised
// (elementwise.cuh), PyTorch semantics (formulas in kernels/host_ops.inc). Step-dependent scalars
// (Adam's bias corrections) are computed once on the host in double and passed in, so the kernel
// does no pow() per element.
#include <cmath>

#include "kernels/cuda/elementwise.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

struct SgdStep {
  float* param;
  const float* grad;
  float* momentum_buf;  // null when momentum == 0
  float lr, momentum, one_minus_dampening, weight_decay;
  bool nesterov;

  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> w = load_pack<V>(param + i);
    const Pack<V> g = load_pack<V>(grad + i);
    Pack<V> buf;
    if (momentum_buf) buf = load_pack<V>(momentum_buf + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) {
      float d = g.v[j] + weight_decay * w.v[j];
      if (momentum_buf) {
        buf.v[j] = momentum * buf.v[j] + one_minus_dampening * d;
        d = nesterov ? d + momentum * buf.v[j] : buf.v[j];
      }
      w.v[j] -= lr * d;
    }
    if (momentum_buf) store_pack<V>(momentum_buf + i, buf);
    store_pack<V>(param + i, w);
  }
};

struct AdamStep {
  float* param;
  const float* grad;
  float* m;
  float* v;
  float beta1, beta2, eps, weight_decay;
  float decay_factor;  // AdamW: 1 - lr*wd applied to the weight; Adam: 1
  float step_size;     // lr / (1 - beta1^t)
  float inv_sqrt_bc2;  // 1 / sqrt(1 - beta2^t)
  bool decoupled;

  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> w = load_pack<V>(param + i);
    const Pack<V> g = load_pack<V>(grad + i);
    Pack<V> mv = load_pack<V>(m + i);
    Pack<V> vv = load_pack<V>(v + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) {
      float gj = g.v[j];
      if (decoupled)
        w.v[j] *= decay_factor;
      else
        gj += weight_decay * w.v[j];
      mv.v[j] = beta1 * mv.v[j] + (1.f - beta1) * gj;
      vv.v[j] = beta2 * vv.v[j] + (1.f - beta2) * gj * gj;
      w.v[j] -= step_size * mv.v[j] / (sqrtf(vv.v[j]) * inv_sqrt_bc2 + eps);
    }
    store_pack<V>(m + i, mv);
    store_pack<V>(v + i, vv);
    store_pack<V>(param + i, w);
  }
};

}  // namespace

void sgd_update(int64_t n, const SgdParams& p, float* param, const float* grad, float* momentum_buf,
                cudaStream_t stream) {
  float* buf = p.momentum != 0.f ? momentum_buf : nullptr;
  const SgdStep op{param,          grad,      buf, p.lr, p.momentum, 1.f - p.dampening,
                   p.weight_decay, p.nesterov};
  launch_elementwise(n, op, {param, grad, buf}, stream);
}

void adam_update(int64_t n, const AdamParams& p, float* param, const float* grad, float* m,
                 float* v, cudaStream_t stream) {
  const double bc1 = 1.0 - std::pow(double(p.beta1), double(p.step));
  const double bc2 = 1.0 - std::pow(double(p.beta2), double(p.step));
  const AdamStep op{param,
                    grad,
                    m,
                    v,
                    p.beta1,
                    p.beta2,
                    p.eps,
                    p.weight_decay,
                    float(1.0 - double(p.lr) * p.weight_decay),
                    float(p.lr / bc1),
                    float(1.0 / std::sqrt(bc2)),
                    p.decoupled_weight_decay};
  launch_elementwise(n, op, {param, grad, m, v}, stream);
}

}  // namespace cnn::kernels::cuda
