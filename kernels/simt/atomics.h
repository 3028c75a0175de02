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

#define CNN_SIMT_INTEGER_ATOMICS(T)                                                         \
  inline T atomicAdd(T* a, T v) {                                                           \
    return __atomic_fetch_add(a, v, __ATOMIC_RELAXED);                                      \
  }                                                                                         \
  inline T atomicSub(T* a, T v) {                                                           \
    return __atomic_fetch_sub(a, v, __ATOMIC_RELAXED);                                      \
  }                                                                                         \
  inline T atomicAnd(T* a, T v) {                                                           \
    return __atomic_fetch_and(a, v, __ATOMIC_RELAXED);                                      \
  }                                                                                         \
  inline T atomicOr(T* a, T v) {                                                            \
    return __atomic_fetch_or(a, v, __ATOMIC_RELAXED);                                       \
  }                                                                                         \
  inline T atomicXor(T* a, T v) {                                                           \
    return __atomic_fetch_xor(a, v, __ATOMIC_RELAXED);                                      \
  }                                                                                         \
  inline T atomicExch(T* a, T v) {                                                          \
    return __atomic_exchange_n(a, v, __ATOMIC_RELAXED);                                     \
  }                                                                                         \
  inline T atomicMax(T* a, T v) {                                                           \
    return ::cnn::simt::detail::atomic_update(a, [v](T old) { return old < v ? v : old; }); \
  }                                                                                         \
  inline T atomicMin(T* a, T v) {                                                           \
    return ::cnn::simt::detail::atomic_update(a, [v](T old) { return v < old ? v : old; }); \
  }                                                                                         \
  inline T atomicCAS(T* a, T compare, T v) {                                                \
    __atomic_compare_exchange_n(a, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED); \
    return compare; /* the old value, whether or not it matched */                          \
  }
CNN_SIMT_INTEGER_ATOMICS(int)
CNN_SIMT_INTEGER_ATOMICS(unsigned int)
CNN_SIMT_INTEGER_ATOMICS(unsigned long long)
CNN_SIMT_INTEGER_ATOMICS(long long)
#undef CNN_SIMT_INTEGER_ATOMICS

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
