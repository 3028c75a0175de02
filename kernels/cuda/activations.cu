// leaky_relu, clamp (hardtanh, relu6), sigmoid and binary cross-entropy with logits: memory-bound
// elementwise ops on the vectorised grid-stride kernel of elementwise.cuh (16-byte accesses when
// every pointer is aligned, scalar otherwise and for the tail).
//
// Choices that matter: NaN propagates through every forward (the selects are written so a NaN
// fails each comparison and passes through); the gradient rules at the kinks are PyTorch's
// (leaky_relu: slope at 0; clamp: 0 at and beyond the bounds); sigmoid and the BCE loss only ever
// call expf(-|x|) <= 1, so no input overflows (|x| = 1e30 gives exact 0/1 and a finite loss).
// expf/log1pf, not the __expf intrinsics: a few more instructions in a memory-bound kernel buy
// full float accuracy.
#include "kernels/cuda/elementwise.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

__device__ __forceinline__ float stable_sigmoid(float x) {
  const float e = expf(-fabsf(x));
  return (x >= 0.f ? 1.f : e) / (1.f + e);
}

struct LeakyReluForward {
  float slope;
  const float* x;
  float* y;  // may alias x
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> v = load_pack<V>(x + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) v.v[j] = v.v[j] > 0.f ? v.v[j] : slope * v.v[j];
    store_pack<V>(y + i, v);
  }
};

struct LeakyReluBackward {
  float slope;
  const float* x;
  const float* dy;
  float* dx;  // may alias dy
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(x + i);
    Pack<V> g = load_pack<V>(dy + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) g.v[j] = xv.v[j] > 0.f ? g.v[j] : slope * g.v[j];
    store_pack<V>(dx + i, g);
  }
};

struct ClampForward {
  float lo, hi;
  const float* x;
  float* y;  // may alias x
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> v = load_pack<V>(x + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) {
      const float above_lo = v.v[j] < lo ? lo : v.v[j];  // fminf/fmaxf would turn NaN into a bound
      v.v[j] = above_lo > hi ? hi : above_lo;
    }
    store_pack<V>(y + i, v);
  }
};

struct ClampBackward {
  float lo, hi;
  const float* x;
  const float* dy;
  float* dx;  // may alias dy
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(x + i);
    Pack<V> g = load_pack<V>(dy + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) g.v[j] = (xv.v[j] <= lo || xv.v[j] >= hi) ? 0.f : g.v[j];
    store_pack<V>(dx + i, g);
  }
};

struct SigmoidForward {
  const float* x;
  float* y;  // may alias x
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> v = load_pack<V>(x + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) v.v[j] = stable_sigmoid(v.v[j]);
    store_pack<V>(y + i, v);
  }
};

struct SigmoidBackward {
  const float* y;
  const float* dy;
  float* dx;  // may alias dy
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> yv = load_pack<V>(y + i);
    Pack<V> g = load_pack<V>(dy + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) g.v[j] = g.v[j] * (yv.v[j] * (1.f - yv.v[j]));
    store_pack<V>(dx + i, g);
  }
};

struct BceWithLogitsForward {
  const float* logits;
  const float* targets;
  const float* weights;  // null: all 1
  float* loss;
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(logits + i);
    const Pack<V> tv = load_pack<V>(targets + i);
    Pack<V> l;
    CNN_UNROLL
    for (int j = 0; j < V; ++j) {
      const float x = xv.v[j];
      l.v[j] = (x > 0.f ? x : 0.f) - x * tv.v[j] + log1pf(expf(-fabsf(x)));
    }
    if (weights) {
      const Pack<V> wv = load_pack<V>(weights + i);
      CNN_UNROLL
      for (int j = 0; j < V; ++j) l.v[j] *= wv.v[j];
    }
    store_pack<V>(loss + i, l);
  }
};

struct BceWithLogitsBackward {
  const float* logits;
  const float* targets;
  const float* weights;  // null: all 1
  const float* dloss;    // n floats when per_element, else one
  bool per_element;
  float scale;
  float* dlogits;
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(logits + i);
    const Pack<V> tv = load_pack<V>(targets + i);
    Pack<V> g;
    if (per_element) {
      g = load_pack<V>(dloss + i);
    } else {
      CNN_UNROLL
      for (int j = 0; j < V; ++j) g.v[j] = dloss[0];
    }
    CNN_UNROLL
    for (int j = 0; j < V; ++j) g.v[j] = scale * g.v[j] * (stable_sigmoid(xv.v[j]) - tv.v[j]);
    if (weights) {
      const Pack<V> wv = load_pack<V>(weights + i);
      CNN_UNROLL
      for (int j = 0; j < V; ++j) g.v[j] *= wv.v[j];
    }
    store_pack<V>(dlogits + i, g);
  }
};

}  // namespace

void leaky_relu_forward(int64_t n, float slope, const float* x, float* y, cudaStream_t stream) {
  launch_elementwise(n, LeakyReluForward{slope, x, y}, {x, y}, stream);
}

void leaky_relu_backward(int64_t n, float slope, const float* x, const float* dy, float* dx,
                         cudaStream_t stream) {
  launch_elementwise(n, LeakyReluBackward{slope, x, dy, dx}, {x, dy, dx}, stream);
}

void clamp_forward(int64_t n, float lo, float hi, const float* x, float* y, cudaStream_t stream) {
  launch_elementwise(n, ClampForward{lo, hi, x, y}, {x, y}, stream);
}

void clamp_backward(int64_t n, float lo, float hi, const float* x, const float* dy, float* dx,
                    cudaStream_t stream) {
  launch_elementwise(n, ClampBackward{lo, hi, x, dy, dx}, {x, dy, dx}, stream);
}

void sigmoid_forward(int64_t n, const float* x, float* y, cudaStream_t stream) {
  launch_elementwise(n, SigmoidForward{x, y}, {x, y}, stream);
}

void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx, cudaStream_t stream) {
  launch_elementwise(n, SigmoidBackward{y, dy, dx}, {y, dy, dx}, stream);
}

void bce_with_logits_forward(int64_t n, const float* logits, const float* targets,
                             const float* weights, float* loss, cudaStream_t stream) {
  launch_elementwise(n, BceWithLogitsForward{logits, targets, weights, loss},
                     {logits, targets, weights, loss}, stream);
}

void bce_with_logits_backward(int64_t n, const float* logits, const float* targets,
                              const float* weights, const float* dloss, bool per_element_dloss,
                              float scale, float* dlogits, cudaStream_t stream) {
  launch_elementwise(
      n, BceWithLogitsBackward{logits, targets, weights, dloss, per_element_dloss, scale, dlogits},
      {logits, targets, weights, per_element_dloss ? dloss : nullptr, dlogits}, stream);
}

}  // namespace cnn::kernels::cuda
