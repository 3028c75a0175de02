// cuda::sgemm: row-major C = op(A) * op(B) (+ bias per column) on the shared tiled GEMM engine
// (gemm_engine.cuh). The transposes only change which operand policy fetches a tile: a stored
// matrix whose contiguous dimension is k is read with k-contiguous vector loads, one whose
// contiguous dimension is m (or n) with row-contiguous vector loads. Vector (16-byte) loads and
// stores are used whenever the pointer and leading dimension allow, scalar ones otherwise.
#include "kernels/cuda/gemm_engine.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

bool vec_ok(const void* p, int ld) {
  return is_aligned(p, 16) && ld % 4 == 0;
}

template <class OperandA, class OperandB>
void run_sgemm(int M, int N, int K, const OperandA& a, const OperandB& b, const float* bias,
               float* C, int ldc, cudaStream_t stream) {
  const gemm::RowMajorOutput out{C, ldc, bias, vec_ok(C, ldc)};
  gemm::run(M, N, K, a, b, out, stream);
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
           int ldb, const float* bias, float* C, int ldc, cudaStream_t stream) {
  // The engine sees A as M rows of K and B as N rows of K.
  const bool va = vec_ok(A, lda), vb = vec_ok(B, ldb);
  if (!trans_a) {
    const gemm::KContiguous a{A, lda, M, va};
    if (trans_b)
      run_sgemm(M, N, K, a, gemm::KContiguous{B, ldb, N, vb}, bias, C, ldc, stream);
    else
      run_sgemm(M, N, K, a, gemm::RowsContiguous{B, ldb, N, vb}, bias, C, ldc, stream);
  } else {
    const gemm::RowsContiguous a{A, lda, M, va};
    if (trans_b)
      run_sgemm(M, N, K, a, gemm::KContiguous{B, ldb, N, vb}, bias, C, ldc, stream);
    else
      run_sgemm(M, N, K, a, gemm::RowsContiguous{B, ldb, N, vb}, bias, C, ldc, stream);
  }
}

}  // namespace cnn::kernels::cuda
