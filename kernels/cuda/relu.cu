// ReLU forward and backward: memory-bound elementwise ops on the vectorised grid-stride kernel
// (elementwise.cuh: 16-byte accesses when aligned, scalar tail). NaN propagates through the
// forward (`x > 0 ? x : 0` would silently turn it into 0); the kink at 0 gets gradient 0.
#include "kernels/cuda/elementwise.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

struct ReluForward {
  const float* x;
  float* y;  // may alias x
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> v = load_pack<V>(x + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) v.v[j] = (v.v[j] > 0.f || v.v[j] != v.v[j]) ? v.v[j] : 0.f;
    store_pack<V>(y + i, v);
  }
};

struct ReluBackward {
  const float* x;
  const float* dy;
  float* dx;  // may alias dy
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(x + i);
    Pack<V> g = load_pack<V>(dy + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) g.v[j] = xv.v[j] > 0.f ? g.v[j] : 0.f;
    store_pack<V>(dx + i, g);
  }
};

}  // namespace

void relu_forward(int64_t n, const float* x, float* y, cudaStream_t stream) {
  launch_elementwise(n, ReluForward{x, y}, {x, y}, stream);
}

void relu_backward(int64_t n, const float* x, const float* dy, float* dx, cudaStream_t stream) {
  launch_elementwise(n, ReluBackward{x, dy, dx}, {x, dy, dx}, stream);
}

}  // namespace cnn::kernels::cuda
