// SIMT harness, part 1: the CUDA language surface that is not about threads. Qualifiers, vector
// types, device math and bit tricks, spelled so that a .cu file compiles unchanged with g++.
//
// Choices that matter:
// - `__shared__` is `static thread_local`: a block runs start to finish on one OS thread, so a
//   thread_local static is exactly one copy per block in flight. It keeps its value between blocks
//   (the harness cannot poison it; see docs/simt.md).
// - `__noinline__` expands to nothing: glibc and libstdc++ headers spell the GCC attribute
//   `__attribute__((__noinline__))`, which any non-empty definition would break.
// - Math uses exact libm functions, so the fast-math intrinsics are more accurate here than on a
//   GPU. glibc's <math.h> declares `__expf`, `__logf`, `__sinf`... (internal names it does not
//   export: calls fail to link), so those CUDA names are macros for functions of our own.
// - `min`/`max` mirror CUDA's global overload set, so unqualified calls resolve as under nvcc.
#pragma once

#include <math.h>

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

// ---- qualifiers
// ----------------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)
#define __align__(n) alignas(n)
#define __shared__ static thread_local
// `__restrict__` is a GCC keyword already.

// ---- vector types (global namespace, like cuda_runtime.h) ---------------------------------------
struct uint3 {
  unsigned int x, y, z;
};
struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1)
      : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}  // NOLINT: implicit as in CUDA
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

// Alignments match CUDA's so `reinterpret_cast<const float4*>(p)` loads stay 16-byte aligned.
struct alignas(8) float2 {
  float x, y;
};
struct float3 {
  float x, y, z;
};
struct alignas(16) float4 {
  float x, y, z, w;
};
struct alignas(8) int2 {
  int x, y;
};
struct int3 {
  int x, y, z;
};
struct alignas(16) int4 {
  int x, y, z, w;
};
struct alignas(8) uint2 {
  unsigned int x, y;
};
struct alignas(16) uint4 {
  unsigned int x, y, z, w;
};
struct alignas(16) double2 {
  double x, y;
};

inline float2 make_float2(float x, float y) {
  return {x, y};
}
inline float3 make_float3(float x, float y, float z) {
  return {x, y, z};
}
inline float4 make_float4(float x, float y, float z, float w) {
  return {x, y, z, w};
}
inline int2 make_int2(int x, int y) {
  return {x, y};
}
inline int3 make_int3(int x, int y, int z) {
  return {x, y, z};
}
inline int4 make_int4(int x, int y, int z, int w) {
  return {x, y, z, w};
}
inline uint2 make_uint2(unsigned int x, unsigned int y) {
  return {x, y};
}
inline uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) {
  return {x, y, z};
}
inline uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) {
  return {x, y, z, w};
}
inline double2 make_double2(double x, double y) {
  return {x, y};
}

inline constexpr int warpSize = 32;

// ---- device math that libm does not already provide --------------------------------------------
namespace cnn::simt::device_math {
inline float fast_expf(float x) {
  return ::expf(x);
}
inline float fast_exp10f(float x) {
  return ::exp10f(x);
}
inline float fast_logf(float x) {
  return ::logf(x);
}
inline float fast_log2f(float x) {
  return ::log2f(x);
}
inline float fast_log10f(float x) {
  return ::log10f(x);
}
inline float fast_powf(float x, float y) {
  return ::powf(x, y);
}
inline float fast_sinf(float x) {
  return ::sinf(x);
}
inline float fast_cosf(float x) {
  return ::cosf(x);
}
inline float fast_tanf(float x) {
  return ::tanf(x);
}
inline void fast_sincosf(float x, float* s, float* c) {
  *s = ::sinf(x);
  *c = ::cosf(x);
}
}  // namespace cnn::simt::device_math
// Object-like, so `&__expf` works too; <math.h> is included above and guarded, so its own
// declarations of these names are never seen again.
#define __expf ::cnn::simt::device_math::fast_expf
#define __exp10f ::cnn::simt::device_math::fast_exp10f
#define __logf ::cnn::simt::device_math::fast_logf
#define __log2f ::cnn::simt::device_math::fast_log2f
#define __log10f ::cnn::simt::device_math::fast_log10f
#define __powf ::cnn::simt::device_math::fast_powf
#define __sinf ::cnn::simt::device_math::fast_sinf
#define __cosf ::cnn::simt::device_math::fast_cosf
#define __tanf ::cnn::simt::device_math::fast_tanf
#define __sincosf ::cnn::simt::device_math::fast_sincosf

inline float __fdividef(float a, float b) {
  return a / b;
}
inline float rsqrtf(float x) {
  return 1.0f / ::sqrtf(x);
}
inline double rsqrt(double x) {
  return 1.0 / ::sqrt(x);
}
inline float __frcp_rn(float x) {
  return 1.0f / x;
}
inline float __fsqrt_rn(float x) {
  return ::sqrtf(x);
}
inline float __fadd_rn(float a, float b) {
  return a + b;
}
inline float __fmul_rn(float a, float b) {
  return a * b;
}
inline float __fmaf_rn(float a, float b, float c) {
  return ::fmaf(a, b, c);
}
// NaN saturates to 0, as on the GPU.
inline float __saturatef(float x) {
  return x >= 1.0f ? 1.0f : (x > 0.0f ? x : 0.0f);
}
inline int __float2int_rn(float x) {
  return static_cast<int>(::nearbyintf(x));
}
inline int __float2int_rz(float x) {
  return static_cast<int>(x);
}
inline float __int2float_rn(int x) {
  return static_cast<float>(x);
}
inline float __uint2float_rn(unsigned int x) {
  return static_cast<float>(x);
}
inline unsigned int __float2uint_rn(float x) {
  return static_cast<unsigned int>(::nearbyintf(x));
}
inline float __fsub_rn(float a, float b) {
  return a - b;
}
inline float __fdiv_rn(float a, float b) {
  return a / b;
}
inline float __frsqrt_rn(float x) {
  return 1.0f / ::sqrtf(x);
}

// Cache-hinted loads and stores: plain accesses on the CPU.
template <typename T>
inline T __ldg(const T* p) {
  return *p;
}
template <typename T>
inline T __ldcg(const T* p) {
  return *p;
}
template <typename T>
inline T __ldcs(const T* p) {
  return *p;
}
template <typename T>
inline T __ldlu(const T* p) {
  return *p;
}
template <typename T>
inline void __stcg(T* p, T v) {
  *p = v;
}
template <typename T>
inline void __stcs(T* p, T v) {
  *p = v;
}
template <typename T>
inline void __stwt(T* p, T v) {
  *p = v;
}

inline int __float_as_int(float x) {
  int i;
  std::memcpy(&i, &x, sizeof i);
  return i;
}
inline float __int_as_float(int i) {
  float x;
  std::memcpy(&x, &i, sizeof x);
  return x;
}
inline unsigned int __float_as_uint(float x) {
  unsigned int u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
inline float __uint_as_float(unsigned int u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}
inline long long __double_as_longlong(double x) {
  long long i;
  std::memcpy(&i, &x, sizeof i);
  return i;
}
inline double __longlong_as_double(long long i) {
  double x;
  std::memcpy(&x, &i, sizeof x);
  return x;
}

inline int __popc(unsigned int x) {
  return __builtin_popcount(x);
}
inline int __popcll(unsigned long long x) {
  return __builtin_popcountll(x);
}
inline int __clz(int x) {
  return x == 0 ? 32 : __builtin_clz(static_cast<unsigned int>(x));
}
inline int __ffs(int x) {
  return __builtin_ffs(x);
}
inline unsigned int __brev(unsigned int x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
  return (x >> 16) | (x << 16);
}

// ---- min / max: CUDA's global overloads (same-type pairs plus its signed/unsigned mixes) --------
// Mixed signedness converts both operands to the unsigned type first, as CUDA does.
#define CNN_SIMT_MINMAX(A, B, R)                                                          \
  inline R min(A a, B b) {                                                                \
    return static_cast<R>(a) < static_cast<R>(b) ? static_cast<R>(a) : static_cast<R>(b); \
  }                                                                                       \
  inline R max(A a, B b) {                                                                \
    return static_cast<R>(a) > static_cast<R>(b) ? static_cast<R>(a) : static_cast<R>(b); \
  }
CNN_SIMT_MINMAX(int, int, int)
CNN_SIMT_MINMAX(unsigned int, unsigned int, unsigned int)
CNN_SIMT_MINMAX(int, unsigned int, unsigned int)
CNN_SIMT_MINMAX(unsigned int, int, unsigned int)
CNN_SIMT_MINMAX(long, long, long)
CNN_SIMT_MINMAX(unsigned long, unsigned long, unsigned long)
CNN_SIMT_MINMAX(long, unsigned long, unsigned long)
CNN_SIMT_MINMAX(unsigned long, long, unsigned long)
CNN_SIMT_MINMAX(long long, long long, long long)
CNN_SIMT_MINMAX(unsigned long long, unsigned long long, unsigned long long)
CNN_SIMT_MINMAX(long long, unsigned long long, unsigned long long)
CNN_SIMT_MINMAX(unsigned long long, long long, unsigned long long)
#undef CNN_SIMT_MINMAX
// Floating point: fmin/fmax semantics (a NaN operand yields the other one), as CUDA's overloads.
inline float min(float a, float b) {
  return ::fminf(a, b);
}
inline float max(float a, float b) {
  return ::fmaxf(a, b);
}
inline double min(double a, double b) {
  return ::fmin(a, b);
}
inline double max(double a, double b) {
  return ::fmax(a, b);
}
inline double min(float a, double b) {
  return ::fmin(a, b);
}
inline double max(float a, double b) {
  return ::fmax(a, b);
}
inline double min(double a, float b) {
  return ::fmin(a, b);
}
inline double max(double a, float b) {
  return ::fmax(a, b);
}
