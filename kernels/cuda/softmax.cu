// Row-wise softmax, log-softmax and cross-entropy, forward and backward.
//
// Forward is one fused, numerically stable kernel per row: each thread keeps an online
// (running max, sum of exp(x - max)) pair over its strided share of the row (one read of x for
// both statistics), the pairs are merged with warp shuffles (and, in block mode, through shared
// memory), then a second read writes the outputs. Rows of up to kWarpRowMax columns get one warp
// each (8 rows per 256-thread block: the seed net's 64x2 logits would waste a whole block per
// row otherwise); longer rows (up to 100000 classes) get a 512-thread block.
// expf/logf (not __expf) keep the results within a few ulp of the reference for logits up to
// +-1e4; the kernels are memory-bound, so the accurate versions cost nothing measurable.
//
// cross_entropy_forward writes probs and one loss per row into scratch, then a deterministic
// single-pass sum (reduce.h) scaled by 1/rows gives the batch mean: no float atomics.
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/ops.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/workspace.h"

namespace cnn::kernels::cuda {
namespace {

constexpr int kWarpRowMax = 1024;
constexpr int kWarpModeThreads = 256;
constexpr int kBlockModeThreads = 512;

enum class RowOp { kSoftmax, kLogSoftmax, kCrossEntropy };

// Running max and sum of exp(x - max); s == 0 exactly when no element has been seen.
struct MaxSum {
  float m, s;
};

__device__ __forceinline__ MaxSum merge(MaxSum a, MaxSum b) {
  const float m = fmaxf(a.m, b.m);
  // The s == 0 guards avoid exp(-inf - -inf) = NaN for threads that saw no element.
  const float sa = a.s == 0.f ? 0.f : a.s * expf(a.m - m);
  const float sb = b.s == 0.f ? 0.f : b.s * expf(b.m - m);
  return {m, sa + sb};
}

__device__ __forceinline__ MaxSum warp_merge(MaxSum v) {
  CNN_UNROLL
  for (int offset = kWarpSize / 2; offset > 0; offset /= 2) {
    const MaxSum other{__shfl_xor_sync(0xffffffffu, v.m, offset),
                       __shfl_xor_sync(0xffffffffu, v.s, offset)};
    v = merge(v, other);
  }
  return v;
}

// Every thread of the block gets the merged pair (merged in warp order: deterministic).
__device__ __forceinline__ MaxSum block_merge(MaxSum v, MaxSum* scratch) {
  v = warp_merge(v);
  if (threadIdx.x % kWarpSize == 0) scratch[threadIdx.x / kWarpSize] = v;
  __syncthreads();
  MaxSum total = scratch[0];
  for (int w = 1; w < int(blockDim.x / kWarpSize); ++w) total = merge(total, scratch[w]);
  __syncthreads();  // scratch is reused by the next row
  return total;
}

// Rows are handed out per warp (kWarpPerRow) or per block; `lane`/`group` are the thread's
// position in and the size of the group that owns a row.
template <bool kWarpPerRow>
struct RowSchedule {
  int lane, group;
  int64_t first, step;
  __device__ RowSchedule() {
    if (kWarpPerRow) {
      lane = threadIdx.x % kWarpSize;
      group = kWarpSize;
      first = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / kWarpSize;
      step = int64_t(gridDim.x) * blockDim.x / kWarpSize;
    } else {
      lane = threadIdx.x;
      group = blockDim.x;
      first = blockIdx.x;
      step = gridDim.x;
    }
  }
};

template <RowOp kOp, bool kWarpPerRow>
__global__ void softmax_forward_kernel(int rows, int cols, const float* x, float* y,
                                       const int32_t* labels, float* row_loss) {
  __shared__ MaxSum scratch[kWarpSize];
  const RowSchedule<kWarpPerRow> sched;
  for (int64_t row = sched.first; row < rows; row += sched.step) {
    const float* xr = x + row * cols;
    float* yr = y + row * cols;
    MaxSum acc{-INFINITY, 0.f};
    for (int c = sched.lane; c < cols; c += sched.group) {
      const float v = xr[c];
      if (v > acc.m) {
        acc.s = acc.s * expf(acc.m - v) + 1.f;
        acc.m = v;
      } else {
        acc.s += expf(v - acc.m);
      }
    }
    acc = kWarpPerRow ? warp_merge(acc) : block_merge(acc, scratch);
    const float log_sum = logf(acc.s);
    const float inv_sum = 1.f / acc.s;
    for (int c = sched.lane; c < cols; c += sched.group) {
      const float v = xr[c];
      yr[c] = kOp == RowOp::kLogSoftmax ? v - acc.m - log_sum : expf(v - acc.m) * inv_sum;
    }
    if (kOp == RowOp::kCrossEntropy && sched.lane == 0) {
      const int32_t label = labels[row];
      row_loss[row] = label >= 0 && label < cols ? acc.m + log_sum - xr[label] : NAN;
    }
  }
}

// softmax:     dx = y * (dy - sum_j dy_j y_j)
// log-softmax: dx = dy - exp(y) * sum_j dy_j
template <RowOp kOp, bool kWarpPerRow>
__global__ void softmax_backward_kernel(int rows, int cols, const float* y, const float* dy,
                                        float* dx) {
  __shared__ float scratch[kWarpSize];
  const RowSchedule<kWarpPerRow> sched;
  for (int64_t row = sched.first; row < rows; row += sched.step) {
    const float* yr = y + row * cols;
    const float* gr = dy + row * cols;
    float* dr = dx + row * cols;
    float sum = 0.f;
    for (int c = sched.lane; c < cols; c += sched.group)
      sum += kOp == RowOp::kSoftmax ? gr[c] * yr[c] : gr[c];
    sum = kWarpPerRow ? warp_sum(sum) : block_sum(sum, scratch);
    for (int c = sched.lane; c < cols; c += sched.group)
      dr[c] = kOp == RowOp::kSoftmax ? yr[c] * (gr[c] - sum) : gr[c] - expf(yr[c]) * sum;
  }
}

// dlogits = (probs - onehot(labels)) * dloss[0] / rows, one thread per element.
__global__ void cross_entropy_backward_kernel(int rows, int cols, const float* probs,
                                              const int32_t* labels, const float* dloss,
                                              float* dlogits) {
  const float g = __ldg(dloss) / float(rows);
  const int64_t total = int64_t(rows) * cols;
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += int64_t(gridDim.x) * blockDim.x) {
    const int64_t row = e / cols;
    const int col = int(e - row * cols);
    const float onehot = __ldg(labels + row) == col ? 1.f : 0.f;
    dlogits[e] = (probs[e] - onehot) * g;
  }
}

template <RowOp kOp>
void launch_forward(const SoftmaxShape& s, const float* x, float* y, const int32_t* labels,
                    float* row_loss, cudaStream_t stream) {
  const int64_t cap = int64_t(device_sm_count()) * 16;
  if (s.cols <= kWarpRowMax) {
    const int rows_per_block = kWarpModeThreads / kWarpSize;
    const int blocks = int(min_of<int64_t>(ceil_div(s.rows, rows_per_block), cap));
    launch(softmax_forward_kernel<kOp, true>, dim3(blocks), dim3(kWarpModeThreads), 0, stream,
           s.rows, s.cols, x, y, labels, row_loss);
  } else {
    const int blocks = int(min_of<int64_t>(s.rows, cap));
    launch(softmax_forward_kernel<kOp, false>, dim3(blocks), dim3(kBlockModeThreads), 0, stream,
           s.rows, s.cols, x, y, labels, row_loss);
  }
}

template <RowOp kOp>
void launch_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx,
                     cudaStream_t stream) {
  const int64_t cap = int64_t(device_sm_count()) * 16;
  if (s.cols <= kWarpRowMax) {
    const int rows_per_block = kWarpModeThreads / kWarpSize;
    const int blocks = int(min_of<int64_t>(ceil_div(s.rows, rows_per_block), cap));
    launch(softmax_backward_kernel<kOp, true>, dim3(blocks), dim3(kWarpModeThreads), 0, stream,
           s.rows, s.cols, y, dy, dx);
  } else {
    const int blocks = int(min_of<int64_t>(s.rows, cap));
    launch(softmax_backward_kernel<kOp, false>, dim3(blocks), dim3(kBlockModeThreads), 0, stream,
           s.rows, s.cols, y, dy, dx);
  }
}

}  // namespace

void softmax_forward(const SoftmaxShape& s, const float* x, float* y, cudaStream_t stream) {
  launch_forward<RowOp::kSoftmax>(s, x, y, nullptr, nullptr, stream);
}

void softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx,
                      cudaStream_t stream) {
  launch_backward<RowOp::kSoftmax>(s, y, dy, dx, stream);
}

void log_softmax_forward(const SoftmaxShape& s, const float* x, float* y, cudaStream_t stream) {
  launch_forward<RowOp::kLogSoftmax>(s, x, y, nullptr, nullptr, stream);
}

void log_softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx,
                          cudaStream_t stream) {
  launch_backward<RowOp::kLogSoftmax>(s, y, dy, dx, stream);
}

void cross_entropy_forward(const SoftmaxShape& s, const float* logits, const int32_t* labels,
                           float* probs, float* loss, cudaStream_t stream) {
  const size_t mean_scratch = detail::sum_rows_scratch(1, s.rows);
  float* ws = stream_workspace(stream, size_t(s.rows) + mean_scratch);
  launch_forward<RowOp::kCrossEntropy>(s, logits, probs, labels, ws, stream);
  detail::sum_rows(1, s.rows, ws, loss, false, 1.f / float(s.rows), ws + s.rows, stream);
}

void cross_entropy_backward(const SoftmaxShape& s, const float* probs, const int32_t* labels,
                            const float* dloss, float* dlogits, cudaStream_t stream) {
  constexpr int kThreads = 256;
  launch(cross_entropy_backward_kernel,
         dim3(grid_stride_blocks(int64_t(s.rows) * s.cols, kThreads)), dim3(kThreads), 0, stream,
         s.rows, s.cols, probs, labels, dloss, dlogits);
}

}  // namespace cnn::kernels::cuda
