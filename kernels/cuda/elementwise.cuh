// One grid-stride kernel for every elementwise op (relu, optimizer updates, fill/axpy/...):
// an op is a small struct whose `apply<V>(i)` handles elements i .. i+V-1, loading and storing
// V-float packs (common.cuh). The launcher runs the body with V = 4 (16-byte accesses) when every
// pointer the op touches is 16-byte aligned and a scalar V = 1 loop over the tail (n % 4 elements)
// or, for unaligned pointers, over everything. Ops that write in place (y aliasing x) are safe: an
// element is read and written by the same thread within one apply.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "kernels/cuda/common.cuh"

namespace cnn::kernels::cuda {

constexpr int kElementwiseThreads = 256;

template <class Op>
__global__ void __launch_bounds__(kElementwiseThreads)
    elementwise_kernel(int64_t n, bool vectorised, Op op) {
  const int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t threads = int64_t(gridDim.x) * blockDim.x;
  const int64_t body = vectorised ? n / 4 * 4 : 0;
  for (int64_t i = tid * 4; i < body; i += threads * 4) op.template apply<4>(i);
  for (int64_t i = body + tid; i < n; i += threads) op.template apply<1>(i);
}

// Enqueues `op` over n elements; `pointers` are every array the op reads or writes (nulls are
// ignored), used only to decide whether 16-byte accesses are safe.
template <class Op>
void launch_elementwise(int64_t n, const Op& op, std::initializer_list<const void*> pointers,
                        cudaStream_t stream) {
  if (n <= 0) return;
  bool aligned = true;
  for (const void* p : pointers) aligned = aligned && (p == nullptr || is_aligned(p, 16));
  const int64_t work = aligned ? ceil_div(n, 4) : n;
  launch(elementwise_kernel<Op>, dim3(grid_stride_blocks(work, kElementwiseThreads)),
         dim3(kElementwiseThreads), 0, stream, n, aligned, op);
}

}  // namespace cnn::kernels::cuda
