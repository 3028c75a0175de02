// Elementwise helpers (fill, axpy, scale, add, mul, dropout) on the vectorised grid-stride kernel
// of elementwise.cuh, and the public reductions sum_axis / sum_squares, which are thin wrappers
// over the deterministic row/column reductions of reduce.cu.
#include "kernels/cuda/elementwise.cuh"
#include "kernels/cuda/ops.h"
#include "kernels/cuda/reduce.h"
#include "kernels/random_hash.h"

namespace cnn::kernels::cuda {
namespace {

struct Fill {
  float value;
  float* x;
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> v;
    CNN_UNROLL
    for (int j = 0; j < V; ++j) v.v[j] = value;
    store_pack<V>(x + i, v);
  }
};

struct Axpy {
  float alpha;
  const float* x;
  float* y;
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(x + i);
    Pack<V> yv = load_pack<V>(y + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) yv.v[j] += alpha * xv.v[j];
    store_pack<V>(y + i, yv);
  }
};

struct Scale {
  float alpha;
  float* x;
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> v = load_pack<V>(x + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) v.v[j] *= alpha;
    store_pack<V>(x + i, v);
  }
};

template <bool kMultiply>
struct Binary {
  const float* a;
  const float* b;
  float* out;  // may alias a or b
  template <int V>
  __device__ void apply(int64_t i) const {
    Pack<V> av = load_pack<V>(a + i);
    const Pack<V> bv = load_pack<V>(b + i);
    CNN_UNROLL
    for (int j = 0; j < V; ++j) av.v[j] = kMultiply ? av.v[j] * bv.v[j] : av.v[j] + bv.v[j];
    store_pack<V>(out + i, av);
  }
};

struct Dropout {
  float p, keep_scale;
  uint64_t seed;
  const float* x;
  float* y;
  float* mask;
  template <int V>
  __device__ void apply(int64_t i) const {
    const Pack<V> xv = load_pack<V>(x + i);
    Pack<V> yv, mv;
    CNN_UNROLL
    for (int j = 0; j < V; ++j) {
      // Counter-based: element i's draw depends only on (seed, i), as in every other backend.
      mv.v[j] = uniform01(seed, uint64_t(i + j)) >= p ? keep_scale : 0.f;
      yv.v[j] = xv.v[j] * mv.v[j];
    }
    store_pack<V>(mask + i, mv);
    store_pack<V>(y + i, yv);
  }
};

}  // namespace

void fill(int64_t n, float value, float* x, cudaStream_t stream) {
  launch_elementwise(n, Fill{value, x}, {x}, stream);
}

void axpy(int64_t n, float alpha, const float* x, float* y, cudaStream_t stream) {
  launch_elementwise(n, Axpy{alpha, x, y}, {x, y}, stream);
}

void scale(int64_t n, float alpha, float* x, cudaStream_t stream) {
  launch_elementwise(n, Scale{alpha, x}, {x}, stream);
}

void add(int64_t n, const float* a, const float* b, float* out, cudaStream_t stream) {
  launch_elementwise(n, Binary<false>{a, b, out}, {a, b, out}, stream);
}

void mul(int64_t n, const float* a, const float* b, float* out, cudaStream_t stream) {
  launch_elementwise(n, Binary<true>{a, b, out}, {a, b, out}, stream);
}

void sum_axis(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y,
              cudaStream_t stream) {
  if (inner == 1)
    detail::sum_rows(outer, axis, x, y, false, 1.f, stream);
  else
    detail::sum_columns(outer, axis, inner, x, y, stream);
}

void sum_squares(int64_t n, const float* x, float* out, cudaStream_t stream) {
  detail::sum_rows(1, n, x, out, true, 1.f, stream);
}

void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, float* mask,
                     cudaStream_t stream) {
  const float keep_scale = p < 1.f ? 1.f / (1.f - p) : 0.f;
  launch_elementwise(n, Dropout{p, keep_scale, seed, x, y, mask}, {x, y, mask}, stream);
}

}  // namespace cnn::kernels::cuda
