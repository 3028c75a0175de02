// SIMT harness, part 5: CUDA's atomic functions as relaxed GCC __atomic builtins. Blocks run in
// parallel on different OS threads, so these must be real atomics; CUDA's atomics are relaxed
// too (ordering comes from __threadfence), so relaxed is the faithful choice.
#pragma once

#include <cstdint>

namespace cnn::simt::detail {

// Read-modify-write through a compare-and-swap loop, for operations GCC has no builtin for
// (floating-point add, min/max).
template <typename T, typename Op>
inline T atomic_update(T* address, Op op) {
  T old;
  __atomic_load(address, &old, __ATOMIC_RELAXED);
  T desired = op(old);
  while (!__atomic_compare_exchange(address, &old, &desired, /*weak=*/true, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
    desired = op(old);
  }
  return old;
}

}  // namespace cnn::simt::detail

// Exactly CUDA's overload set, so code that builds here also builds with nvcc: all operations for
// int and unsigned int; no atomicSub for unsigned long long; only min/max for long long.
#define CNN_SIMT_FETCH_ATOMIC(name, builtin, T) \
  inline T name(T* a, T v) {                    \
    return builtin(a, v, __ATOMIC_RELAXED);     \
  }
#define CNN_SIMT_MINMAX_ATOMICS(T)                                                          \
  inline T atomicMax(T* a, T v) {                                                           \
    return ::cnn::simt::detail::atomic_update(a, [v](T old) { return old < v ? v : old; }); \
  }                                                                                         \
  inline T atomicMin(T* a, T v) {                                                           \
    return ::cnn::simt::detail::atomic_update(a, [v](T old) { return v < old ? v : old; }); \
  }
#define CNN_SIMT_INTEGER_ATOMICS(T)                                                         \
  CNN_SIMT_FETCH_ATOMIC(atomicAdd, __atomic_fetch_add, T)                                   \
  CNN_SIMT_FETCH_ATOMIC(atomicAnd, __atomic_fetch_and, T)                                   \
  CNN_SIMT_FETCH_ATOMIC(atomicOr, __atomic_fetch_or, T)                                     \
  CNN_SIMT_FETCH_ATOMIC(atomicXor, __atomic_fetch_xor, T)                                   \
  CNN_SIMT_FETCH_ATOMIC(atomicExch, __atomic_exchange_n, T)                                 \
  CNN_SIMT_MINMAX_ATOMICS(T)                                                                \
  inline T atomicCAS(T* a, T compare, T v) {                                                \
    __atomic_compare_exchange_n(a, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED); \
    return compare; /* the old value, whether or not it matched */                          \
  }
CNN_SIMT_INTEGER_ATOMICS(int)
CNN_SIMT_INTEGER_ATOMICS(unsigned int)
CNN_SIMT_INTEGER_ATOMICS(unsigned long long)
CNN_SIMT_FETCH_ATOMIC(atomicSub, __atomic_fetch_sub, int)
CNN_SIMT_FETCH_ATOMIC(atomicSub, __atomic_fetch_sub, unsigned int)
CNN_SIMT_MINMAX_ATOMICS(long long)
#undef CNN_SIMT_INTEGER_ATOMICS
#undef CNN_SIMT_MINMAX_ATOMICS
#undef CNN_SIMT_FETCH_ATOMIC

inline float atomicAdd(float* a, float v) {
  return ::cnn::simt::detail::atomic_update(a, [v](float old) { return old + v; });
}
inline double atomicAdd(double* a, double v) {
  return ::cnn::simt::detail::atomic_update(a, [v](double old) { return old + v; });
}
inline float atomicExch(float* a, float v) {
  float old;
  __atomic_exchange(a, &v, &old, __ATOMIC_RELAXED);
  return old;
}

inline void __threadfence() {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
inline void __threadfence_block() {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
