// Internal entry points of the CPU SGEMM shared by the other CPU kernels (conv2d, linear).
#pragma once

namespace cnn::kernels::cpu {

// Same contract as cpu::sgemm, run entirely on the calling thread (no OpenMP team). For callers
// that already parallelise over independent GEMMs (conv2d over images and row chunks).
void sgemm_serial(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
                  int lda, const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace cnn::kernels::cpu
