// Row and column sum reductions (see reduce.h for the contract and the split-in-two-passes idea).
//
// sum_rows: contiguous rows. A row (or slice of one) of up to kWarpRowMax elements goes to one
// warp (8 per block), so a batch of short rows does not waste 256 threads per row; longer ones get
// a 256-thread block and a shuffle + shared-memory block reduction.
// sum_columns: strided "columns" of [outer, axis, inner]. A 32 x 8 block: the 32 lanes of a warp
// read 32 consecutive inner positions (coalesced), the 8 warps stride over the axis, and the 8
// partial sums meet in shared memory and are added in warp order.
#include <algorithm>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/workspace.h"

namespace cnn::kernels::cuda::detail {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kWarpRowMax = 1024;  // longest slice summed by a single warp
constexpr int64_t kMinSlice = 4096;    // shortest slice worth a block of its own
constexpr int64_t kMaxSlices = 1024;   // so pass two is a single short row per output

// Slices per row so that rows * slices roughly fills the GPU twice over.
int64_t row_slices(int64_t rows, int64_t cols) {
  const int64_t target = 2 * int64_t(device_sm_count());
  if (rows >= target || cols < 2 * kMinSlice) return 1;
  return std::clamp<int64_t>(std::min(ceil_div(target, rows), cols / kMinSlice), 1, kMaxSlices);
}

// Segment `seg` = (row, slice) sums x[row, slice * slice_len ...) ; output y[seg] (y is
// [rows, slices]), times scale.
template <bool kWarpPerSegment, bool kSquared>
__global__ void __launch_bounds__(kThreads)
    sum_rows_kernel(int64_t segments, int64_t cols, int64_t slices, int64_t slice_len,
                    const float* x, float* y, float scale) {
  __shared__ float scratch[kWarpSize];
  const int64_t stride = kWarpPerSegment ? kWarpSize : blockDim.x;
  const int lane = kWarpPerSegment ? threadIdx.x % kWarpSize : threadIdx.x;
  const int64_t first = kWarpPerSegment
                            ? (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / kWarpSize
                            : int64_t(blockIdx.x);
  const int64_t step = kWarpPerSegment ? int64_t(gridDim.x) * blockDim.x / kWarpSize : gridDim.x;
  for (int64_t seg = first; seg < segments; seg += step) {
    const int64_t row = seg / slices, slice = seg % slices;
    const int64_t begin = slice * slice_len, end = min_of(cols, begin + slice_len);
    const float* xr = x + row * cols;
    float sum = 0.f;
    for (int64_t c = begin + lane; c < end; c += stride) {
      const float v = xr[c];
      sum += kSquared ? v * v : v;
    }
    sum = kWarpPerSegment ? warp_sum(sum) : block_sum(sum, scratch);
    if (lane == 0) y[seg] = sum * scale;
  }
}

template <bool kSquared>
void launch_sum_rows(int64_t segments, int64_t cols, int64_t slices, int64_t slice_len,
                     const float* x, float* y, float scale, cudaStream_t stream) {
  if (slice_len <= kWarpRowMax) {
    const int64_t warps_per_block = kThreads / kWarpSize;
    const int blocks = int(
        std::min<int64_t>(ceil_div(segments, warps_per_block), int64_t(device_sm_count()) * 16));
    launch(sum_rows_kernel<true, kSquared>, dim3(blocks), dim3(kThreads), 0, stream, segments, cols,
           slices, slice_len, x, y, scale);
  } else {
    const int blocks = int(std::min<int64_t>(segments, int64_t(device_sm_count()) * 16));
    launch(sum_rows_kernel<false, kSquared>, dim3(blocks), dim3(kThreads), 0, stream, segments,
           cols, slices, slice_len, x, y, scale);
  }
}

constexpr int kColTile = 32, kColWarps = 8;

int64_t column_slices(int64_t outer, int64_t axis, int64_t inner) {
  const int64_t tiles = outer * ceil_div(inner, kColTile);
  const int64_t target = 2 * int64_t(device_sm_count());
  if (tiles >= target || axis < 512) return 1;
  return std::clamp<int64_t>(std::min(ceil_div(target, tiles), axis / 256), 1, kMaxSlices);
}

// y[slice][o][i] = sum over the slice's part of the axis of x[o, a, i].
__global__ void __launch_bounds__(kColTile* kColWarps)
    sum_columns_kernel(int64_t outer, int64_t axis, int64_t inner, int64_t slice_len,
                       const float* x, float* y) {
  __shared__ float partial[kColWarps][kColTile + 1];
  const int64_t i = int64_t(blockIdx.x) * kColTile + threadIdx.x;
  const int64_t begin = int64_t(blockIdx.z) * slice_len;
  const int64_t end = min_of(axis, begin + slice_len);
  for (int64_t o = blockIdx.y; o < outer; o += gridDim.y) {
    float sum = 0.f;
    if (i < inner)
      for (int64_t a = begin + threadIdx.y; a < end; a += kColWarps)
        sum += x[(o * axis + a) * inner + i];
    partial[threadIdx.y][threadIdx.x] = sum;
    __syncthreads();
    if (threadIdx.y == 0 && i < inner) {
      float total = 0.f;
      for (int w = 0; w < kColWarps; ++w) total += partial[w][threadIdx.x];
      y[(int64_t(blockIdx.z) * outer + o) * inner + i] = total;
    }
    __syncthreads();  // partial is rewritten by the next o
  }
}

}  // namespace

size_t sum_rows_scratch(int64_t rows, int64_t cols) {
  const int64_t slices = row_slices(rows, cols);
  return slices > 1 ? size_t(rows * slices) : 0;
}

void sum_rows(int64_t rows, int64_t cols, const float* x, float* y, bool squared, float scale,
              float* scratch, cudaStream_t stream) {
  if (rows <= 0) return;
  const int64_t slices = row_slices(rows, cols);
  const int64_t slice_len = ceil_div(cols, slices);
  float* first_out = slices > 1 ? scratch : y;
  const float first_scale = slices > 1 ? 1.f : scale;
  if (squared)
    launch_sum_rows<true>(rows * slices, cols, slices, slice_len, x, first_out, first_scale,
                          stream);
  else
    launch_sum_rows<false>(rows * slices, cols, slices, slice_len, x, first_out, first_scale,
                           stream);
  if (slices > 1)  // slices <= kMaxSlices: one warp or block per row, no further split
    launch_sum_rows<false>(rows, slices, 1, slices, scratch, y, scale, stream);
}

size_t sum_columns_scratch(int64_t outer, int64_t axis, int64_t inner) {
  const int64_t slices = column_slices(outer, axis, inner);
  return slices > 1 ? size_t(slices * outer * inner) + sum_columns_scratch(1, slices, outer * inner)
                    : 0;
}

void sum_columns(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y,
                 float* scratch, cudaStream_t stream) {
  if (outer <= 0 || inner <= 0) return;
  const int64_t slices = column_slices(outer, axis, inner);
  const int64_t slice_len = ceil_div(axis, slices);
  const dim3 grid(unsigned(ceil_div(inner, kColTile)), unsigned(std::min<int64_t>(outer, 65535)),
                  unsigned(slices));
  float* first_out = slices > 1 ? scratch : y;
  launch(sum_columns_kernel, grid, dim3(kColTile, kColWarps), 0, stream, outer, axis, inner,
         slice_len, x, first_out);
  if (slices > 1)
    sum_columns(1, slices, outer * inner, scratch, y, scratch + slices * outer * inner, stream);
}

void sum_rows(int64_t rows, int64_t cols, const float* x, float* y, bool squared, float scale,
              cudaStream_t stream) {
  const size_t need = sum_rows_scratch(rows, cols);
  sum_rows(rows, cols, x, y, squared, scale, need ? stream_workspace(stream, need) : nullptr,
           stream);
}

void sum_columns(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y,
                 cudaStream_t stream) {
  const size_t need = sum_columns_scratch(outer, axis, inner);
  sum_columns(outer, axis, inner, x, y, need ? stream_workspace(stream, need) : nullptr, stream);
}

}  // namespace cnn::kernels::cuda::detail
