// leaky_relu, clamp (hardtanh, relu6), sigmoid and binary cross-entropy with logits on the CPU.
//
// The activations are `parallel for simd` loops written as branch-free selects so GCC turns them
// into vector blends (relu.cpp's approach); OpenMP only above the size threshold of parallel.h.
// Sigmoid uses fast_exp (vectorisable, relative error < 1e-7) on -|x| <= 0, so it never overflows;
// below x = -87.3 it returns 0 where the true value is a float denormal. BCE runs on loss-sized
// tensors (logits of a head), so it keeps libm's expf/log1pf for accuracy over vector speed.
#include <cmath>

// No kernel here reads floating-point exception flags; without this GCC keeps fast_exp's clamping
// selects as branches (a comparison "could trap") and the sigmoid loops stay scalar (softmax.cpp).
#pragma GCC optimize("no-trapping-math")

#include "kernels/cpu/fast_exp.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {
namespace {

// 1/(1+e) for x >= 0 and e/(1+e) for x < 0 with e = exp(-|x|) <= 1: one division, no overflow.
// -|x| as a select: std::fabs, declared before the optimize pragma, is not inlined into the
// loops here, and the call keeps them scalar.
inline float stable_sigmoid(float x) {
  const float e = fast_exp(x < 0.f ? x : -x);
  return (x >= 0.f ? 1.f : e) / (1.f + e);
}

}  // namespace

void leaky_relu_forward(int64_t n, float slope, const float* x, float* y) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  // NaN fails `> 0` and stays NaN through the product.
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : slope * x[i];
}

void leaky_relu_backward(int64_t n, float slope, const float* x, const float* dy, float* dx) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float g = dy[i];
    dx[i] = x[i] > 0.f ? g : slope * g;  // slope at exactly 0, as PyTorch
  }
}

void clamp_forward(int64_t n, float lo, float hi, const float* x, float* y) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    // Two unconditional selects (NaN passes both): a nested ?: would not become blends.
    const float above_lo = x[i] < lo ? lo : x[i];
    y[i] = above_lo > hi ? hi : above_lo;
  }
}

void clamp_backward(int64_t n, float lo, float hi, const float* x, const float* dy, float* dx) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float g = dy[i];
    const bool outside = (x[i] <= lo) | (x[i] >= hi);  // bounds included: hardtanh_backward
    dx[i] = outside ? 0.f : g;
  }
}

void sigmoid_forward(int64_t n, const float* x, float* y) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) y[i] = stable_sigmoid(x[i]);
}

void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * (y[i] * (1.f - y[i]));
}

void bce_with_logits_forward(int64_t n, const float* logits, const float* targets,
                             const float* weights, float* loss) {
#pragma omp parallel for if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float x = logits[i];
    const float l = (x > 0.f ? x : 0.f) - x * targets[i] + std::log1p(std::exp(-std::fabs(x)));
    loss[i] = weights ? weights[i] * l : l;
  }
}

void bce_with_logits_backward(int64_t n, const float* logits, const float* targets,
                              const float* weights, const float* dloss, bool per_element_dloss,
                              float scale, float* dlogits) {
#pragma omp parallel for if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float g = scale * dloss[per_element_dloss ? i : 0];
    const float d = stable_sigmoid(logits[i]) - targets[i];
    dlogits[i] = weights ? g * weights[i] * d : g * d;
  }
}

}  // namespace cnn::kernels::cpu
