// Fast CPU kernels: packed SGEMM with SIMD micro-kernels picked at run time (AVX-512, AVX2,
// portable), OpenMP threads, conv2d lowered to GEMM in bounded chunks. A real backend: the mask
// example trains on it when no GPU is present.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/shapes.h"

namespace cnn::kernels::cpu {
#include "kernels/host_ops.inc"

// C[M,N] = alpha * op(A) * op(B) + beta * C, row-major; op(A) is [M,K] (A^T stored [K,M] when
// trans_a), op(B) is [K,N] (B^T stored [N,K] when trans_b). beta == 0 never reads C.
void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc);

// Name of the SIMD micro-kernel chosen for this machine ("avx512", "avx2" or "portable").
std::string simd_level();
}  // namespace cnn::kernels::cpu
