// Small OpenMP helpers shared by the CPU kernels.
//
// Why a threshold: opening an OpenMP team costs a few microseconds on a quiet machine and
// milliseconds on a loaded one (the sleeping workers must be scheduled), more than one core needs
// for 256K floats (~50 us), so elementwise kernels only go parallel above kParallelMinElements.
#pragma once

#include <omp.h>

#include <cstdint>

namespace cnn::kernels::cpu {

// Elementwise loops below this many elements run on the calling thread.
constexpr int64_t kParallelMinElements = int64_t(1) << 18;

// True when a loop over n elements is worth an OpenMP team (and we are not already inside one).
// In `parallel for simd` write `if (parallel : worth_parallel(n))`: a bare `if` also applies to the
// simd construct (OpenMP 5), where it is re-evaluated inside the team, finds omp_in_parallel()
// and turns vectorisation off.
inline bool worth_parallel(int64_t n) {
  return n >= kParallelMinElements && !omp_in_parallel();
}

// Threads an OpenMP region started here would get (OMP_NUM_THREADS respected); 1 inside a region.
inline int available_threads() {
  return omp_in_parallel() ? 1 : omp_get_max_threads();
}

}  // namespace cnn::kernels::cpu
