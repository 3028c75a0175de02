// Small device/host helpers shared by the kernels in kernels/cuda: loop-unroll pragma that both
// nvcc and the SIMT build (g++) accept, launch-size arithmetic, the device's SM count, 1/2/4-wide
// float packs for vectorised global access, and warp/block reductions built on shuffles.
//
// Everything here compiles under nvcc and under the SIMT harness (kernels/simt), so it uses only
// the subset of CUDA the harness provides (no inline PTX, no cooperative groups).
#pragma once

#include <cstdint>

#include "kernels/cuda/launch.h"

// `#pragma unroll` for nvcc; g++ (SIMT) would warn about an unknown pragma, and unrolling does not
// matter there.
#if defined(__CUDACC__)
#define CNN_UNROLL _Pragma("unroll")
#else
#define CNN_UNROLL
#endif

namespace cnn::kernels::cuda {

constexpr int kWarpSize = 32;

__host__ __device__ constexpr int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

// min for integers of one type, identical under nvcc and the SIMT build (whose min/max overload
// sets differ for 64-bit types).
template <typename T>
__host__ __device__ constexpr T min_of(T a, T b) {
  return b < a ? b : a;
}

// Number of streaming multiprocessors of the current device (cached per device id): the launch
// heuristics size grids and split-K factors from it.
int device_sm_count();

// Blocks for a grid-stride loop over `work` items with `threads` per block: enough to fill the
// device several times over, never more than the work needs.
int grid_stride_blocks(int64_t work, int threads);

// Division by a divisor fixed at launch time as a multiply-high and a shift (Granlund and
// Montgomery's round-up method, as in CUTLASS's FastDivmod): the implicit-GEMM fetchers split
// every k index into (channel, tap) and every pixel index into (image, row, column) per tile, and
// a hardware integer division costs about 20 instructions. Exact for 0 <= x < 2^31, d >= 1.
struct FastDivmod {
  int divisor = 1;
  uint32_t multiplier = 0, shift = 0;

  FastDivmod() = default;
  explicit FastDivmod(int d) : divisor(d) {
    if (d == 1) return;  // the multiplier would need 33 bits; div() special-cases it
    int log2_ceil = 0;
    while ((int64_t(1) << log2_ceil) < d) ++log2_ceil;
    const uint32_t p = 31 + uint32_t(log2_ceil);
    multiplier = uint32_t(((uint64_t(1) << p) + uint64_t(d) - 1) / uint64_t(d));
    shift = p - 32;
  }
  __host__ __device__ int div(int x) const {
    return divisor == 1 ? x : int(((uint64_t(uint32_t(x)) * multiplier) >> 32) >> shift);
  }
  // q = x / divisor, r = x % divisor.
  __host__ __device__ void divmod(int x, int& q, int& r) const {
    q = div(x);
    r = x - q * divisor;
  }
};

// True when p is aligned to `bytes` (a power of two).
inline bool is_aligned(const void* p, int bytes) {
  return (reinterpret_cast<uintptr_t>(p) & uintptr_t(bytes - 1)) == 0;
}

// V consecutive floats moved with one 4-, 8- or 16-byte access. Callers guarantee alignment to
// 4*V bytes for V > 1.
template <int V>
struct Pack {
  float v[V];
};

template <int V>
__device__ __forceinline__ Pack<V> load_pack(const float* p) {
  Pack<V> r;
  if constexpr (V == 4) {
    const float4 f = *reinterpret_cast<const float4*>(p);
    r.v[0] = f.x, r.v[1] = f.y, r.v[2] = f.z, r.v[3] = f.w;
  } else if constexpr (V == 2) {
    const float2 f = *reinterpret_cast<const float2*>(p);
    r.v[0] = f.x, r.v[1] = f.y;
  } else {
    static_assert(V == 1, "packs are 1, 2 or 4 floats");
    r.v[0] = *p;
  }
  return r;
}

template <int V>
__device__ __forceinline__ void store_pack(float* p, const Pack<V>& r) {
  if constexpr (V == 4) {
    *reinterpret_cast<float4*>(p) = make_float4(r.v[0], r.v[1], r.v[2], r.v[3]);
  } else if constexpr (V == 2) {
    *reinterpret_cast<float2*>(p) = make_float2(r.v[0], r.v[1]);
  } else {
    static_assert(V == 1, "packs are 1, 2 or 4 floats");
    *p = r.v[0];
  }
}

// Sum over the 32 lanes of a full warp; every lane gets the result. T: float, or double where a
// reduction must not lose precision (batch-norm statistics).
template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
  CNN_UNROLL
  for (int offset = kWarpSize / 2; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// Sum over a whole block (blockDim.x a multiple of 32, at most 1024); every thread gets the
// result. `scratch` is 32 T of shared memory; the trailing barrier lets callers reuse it.
template <typename T>
__device__ __forceinline__ T block_sum(T v, T* scratch) {
  const int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  const int warps = blockDim.x / kWarpSize;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  T total = lane < warps ? scratch[lane] : T(0);
  total = warp_sum(total);
  __syncthreads();
  return total;
}

}  // namespace cnn::kernels::cuda
