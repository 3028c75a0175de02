// Register-blocked SGEMM micro-kernels and the run-time choice between them.
//
// A micro-kernel computes one MR x NR tile of C from packed panels over a depth of kc:
//   c[i*ldc + j] (+)= sum_k a[k*MR + i] * b[k*NR + j]     0 <= i < MR, 0 <= j < NR
// a is an MR-wide packed panel of A, b an NR-wide packed panel of B (sgemm_pack.h); both are
// zero-padded, so the kernel always computes the full tile and has no edge branches. With
// accumulate == false C is overwritten and never read (beta == 0 must not read NaN garbage).
#pragma once

#include <cstdint>

#include "kernels/cpu/sgemm_pack.h"

namespace cnn::kernels::cpu {

using SgemmMicroKernelFn = void (*)(int64_t kc, const float* a, const float* b, float* c,
                                    int64_t ldc, bool accumulate);

struct SgemmMicroKernel {
  const char* name;  // "avx512", "avx2", "portable"
  int mr, nr;        // tile shape
  SgemmMicroKernelFn run;
  // Packs a transposed B (a register transpose beats the portable scalar scatter by ~4x);
  // nullptr: use the portable pack_b_panels.
  void (*pack_b_trans)(MatrixView b, int k0, int kc, int j0, int nc, int nr, float* dst);
  // Packs A (ISA-specific transposing path for a non-transposed A); nullptr: pack_a_panels.
  void (*pack_a)(MatrixView a, int i0, int mc, int k0, int kc, float alpha, int mr, float* dst);
};

// Largest tile any kernel uses (sizes the edge-tile scratch buffer of the driver).
constexpr int kMaxMicroTileFloats = 16 * 64;

// One per file, each compiled with its own ISA flags; only call a kernel the CPU supports.
SgemmMicroKernel sgemm_kernel_avx512();
SgemmMicroKernel sgemm_kernel_avx2();
SgemmMicroKernel sgemm_kernel_portable();

// The kernel for this machine: the best level __builtin_cpu_supports allows, or the level named by
// the environment variable CNN_CPU_SIMD (avx512|avx2|portable, for tests and comparisons). Naming a
// level this CPU cannot run throws std::runtime_error: no silent fallback.
const SgemmMicroKernel& selected_sgemm_kernel();

}  // namespace cnn::kernels::cpu
