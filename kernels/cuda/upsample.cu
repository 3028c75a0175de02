// Nearest-neighbour upsampling by an integer factor, and copy_2d, the strided block copy that
// concat and narrow are built on.
//
// upsample: one thread per *input* element in a grid-stride loop. Forward, it writes its
// scale x scale output block; backward, it sums the same block of dy into its dx element (a
// gather: no atomics, each dx written once, deterministic). For scale 2 - the multi-scale heads'
// case - the block's rows are float2 accesses when y/dy is 8-byte aligned (every output row then
// is, since its length 2W is even). Consecutive threads take consecutive input columns, so a warp
// covers contiguous output rows.
//
// copy_2d: grid.y strides over rows, grid.x threads over the columns of a row, so no division
// per element. 16-byte packs when both pointers are 16-byte aligned and both leading dimensions
// and the row length are multiples of 4; scalar otherwise.
#include <algorithm>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

constexpr int kThreads = 256;

// kPairs: scale == 2 and the output-sized buffer is 8-byte aligned.
template <bool kPairs>
__global__ void __launch_bounds__(kThreads)
    upsample_nearest2d_forward_kernel(UpsampleShape s, const float* x, float* y) {
  const int64_t total = s.input_size(), Q = s.Q();
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t row = i / s.W;  // (n*C + c)*H + h
    const int w = int(i - row * s.W);
    const float v = x[i];
    // Output row h*scale of plane (n,c) starts at (plane*H + h)*scale*Q = row*scale*Q.
    float* out = y + row * s.scale * Q + int64_t(w) * s.scale;
    if constexpr (kPairs) {
      *reinterpret_cast<float2*>(out) = make_float2(v, v);
      *reinterpret_cast<float2*>(out + Q) = make_float2(v, v);
    } else {
      for (int a = 0; a < s.scale; ++a)
        for (int b = 0; b < s.scale; ++b) out[a * Q + b] = v;
    }
  }
}

template <bool kPairs>
__global__ void __launch_bounds__(kThreads)
    upsample_nearest2d_backward_kernel(UpsampleShape s, const float* dy, float* dx) {
  const int64_t total = s.input_size(), Q = s.Q();
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t row = i / s.W;
    const int w = int(i - row * s.W);
    const float* block = dy + row * s.scale * Q + int64_t(w) * s.scale;
    float acc = 0.f;
    if constexpr (kPairs) {
      const float2 top = *reinterpret_cast<const float2*>(block);
      const float2 bottom = *reinterpret_cast<const float2*>(block + Q);
      acc = ((top.x + top.y) + bottom.x) + bottom.y;  // the generic loop's order
    } else {
      for (int a = 0; a < s.scale; ++a)
        for (int b = 0; b < s.scale; ++b) acc += block[a * Q + b];
    }
    dx[i] = acc;
  }
}

template <int V>
__global__ void __launch_bounds__(kThreads)
    copy_2d_kernel(int64_t rows, int64_t packs_per_row, const float* src, int64_t src_ld,
                   float* dst, int64_t dst_ld) {
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const float* in = src + r * src_ld;
    float* out = dst + r * dst_ld;
    for (int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; c < packs_per_row;
         c += int64_t(gridDim.x) * blockDim.x)
      store_pack<V>(out + c * V, load_pack<V>(in + c * V));
  }
}

}  // namespace

void upsample_nearest2d_forward(const UpsampleShape& s, const float* x, float* y,
                                cudaStream_t stream) {
  const dim3 grid(grid_stride_blocks(s.input_size(), kThreads));
  if (s.scale == 2 && is_aligned(y, 8))
    launch(upsample_nearest2d_forward_kernel<true>, grid, dim3(kThreads), 0, stream, s, x, y);
  else
    launch(upsample_nearest2d_forward_kernel<false>, grid, dim3(kThreads), 0, stream, s, x, y);
}

void upsample_nearest2d_backward(const UpsampleShape& s, const float* dy, float* dx,
                                 cudaStream_t stream) {
  const dim3 grid(grid_stride_blocks(s.input_size(), kThreads));
  if (s.scale == 2 && is_aligned(dy, 8))
    launch(upsample_nearest2d_backward_kernel<true>, grid, dim3(kThreads), 0, stream, s, dy, dx);
  else
    launch(upsample_nearest2d_backward_kernel<false>, grid, dim3(kThreads), 0, stream, s, dy, dx);
}

void copy_2d(int64_t rows, int64_t cols, const float* src, int64_t src_ld, float* dst,
             int64_t dst_ld, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  const bool packed = is_aligned(src, 16) && is_aligned(dst, 16) && cols % 4 == 0 &&
                      src_ld % 4 == 0 && dst_ld % 4 == 0;
  const int64_t packs = packed ? cols / 4 : cols;
  // As many blocks as a grid-stride loop over everything would get, rows first (grid.y is
  // limited to 65535), the rest across each row.
  const int64_t blocks = grid_stride_blocks(rows * packs, kThreads);
  const int64_t by = std::min<int64_t>({rows, blocks, 65535});
  const int64_t bx = std::max<int64_t>(1, std::min(blocks / by, ceil_div(packs, kThreads)));
  const dim3 grid{static_cast<unsigned>(bx), static_cast<unsigned>(by)};
  if (packed)
    launch(copy_2d_kernel<4>, grid, dim3(kThreads), 0, stream, rows, packs, src, src_ld, dst,
           dst_ld);
  else
    launch(copy_2d_kernel<1>, grid, dim3(kThreads), 0, stream, rows, packs, src, src_ld, dst,
           dst_ld);
}

}  // namespace cnn::kernels::cuda
