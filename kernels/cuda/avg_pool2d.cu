// avg_pool2d forward and backward (PyTorch semantics: zero padding, count_include_pad picks the
// divisor, floor mode). Also serves global average pooling (kernel = H x W, one window per plane).
//
// Forward: one thread per output element, consecutive threads along q so the window reads
// coalesce; the window sum is float in row-major window order.
// Backward in gather form, as max_pool2d's: one thread per *input* element sums dy/divisor over
// the windows that hold it. Every dx element is written exactly once (no zero-fill pass, no
// atomicAdd) and overlapping windows are summed in a fixed order, so the result is deterministic.
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

constexpr int kThreads = 256;

// kernel_h * kernel_w with count_include_pad, else the in-bounds part of the window at (h0, w0).
__device__ __forceinline__ float window_divisor(const AvgPool2dShape& s, int h0, int w0) {
  if (s.count_include_pad) return float(s.kernel_h * s.kernel_w);
  const int rows = min(h0 + s.kernel_h, s.H) - max(h0, 0);
  const int cols = min(w0 + s.kernel_w, s.W) - max(w0, 0);
  return float(rows * cols);
}

__global__ void __launch_bounds__(kThreads)
    avg_pool2d_forward_kernel(AvgPool2dShape s, int P, int Q, const float* x, float* y) {
  const int64_t total = int64_t(s.N) * s.C * P * Q;
  for (int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < total;
       o += int64_t(gridDim.x) * blockDim.x) {
    const int q = int(o % Q);
    const int p = int((o / Q) % P);
    const int64_t plane = o / (int64_t(P) * Q);
    const float* xp = x + plane * s.H * s.W;
    const int h0 = p * s.stride_h - s.pad_h, w0 = q * s.stride_w - s.pad_w;
    const int h_end = min(h0 + s.kernel_h, s.H), w_end = min(w0 + s.kernel_w, s.W);
    float sum = 0.f;
    for (int h = max(h0, 0); h < h_end; ++h)
      for (int w = max(w0, 0); w < w_end; ++w) sum += __ldg(xp + h * s.W + w);
    y[o] = sum / window_divisor(s, h0, w0);
  }
}

__global__ void __launch_bounds__(kThreads)
    avg_pool2d_backward_kernel(AvgPool2dShape s, int P, int Q, const float* dy, float* dx) {
  const int64_t total = int64_t(s.N) * s.C * s.H * s.W;
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += int64_t(gridDim.x) * blockDim.x) {
    const int w = int(e % s.W);
    const int h = int((e / s.W) % s.H);
    const int64_t plane = e / (int64_t(s.H) * s.W);
    const float* dyp = dy + plane * P * Q;
    // Windows p with p*stride_h - pad_h <= h < p*stride_h - pad_h + kernel_h, clipped to [0, P)
    // (the first is floor((h + pad_h - kernel_h) / stride_h) + 1, and 0 while that is negative:
    // C++ division truncates toward zero).
    const int h_reach = h + s.pad_h - s.kernel_h, w_reach = w + s.pad_w - s.kernel_w;
    const int p_first = h_reach < 0 ? 0 : h_reach / s.stride_h + 1;
    const int p_last = min(P - 1, (h + s.pad_h) / s.stride_h);
    const int q_first = w_reach < 0 ? 0 : w_reach / s.stride_w + 1;
    const int q_last = min(Q - 1, (w + s.pad_w) / s.stride_w);
    float sum = 0.f;
    for (int p = p_first; p <= p_last; ++p)
      for (int q = q_first; q <= q_last; ++q)
        sum += __ldg(dyp + int64_t(p) * Q + q) /
               window_divisor(s, p * s.stride_h - s.pad_h, q * s.stride_w - s.pad_w);
    dx[e] = sum;
  }
}

}  // namespace

void avg_pool2d_forward(const AvgPool2dShape& s, const float* x, float* y, cudaStream_t stream) {
  const int P = s.P(), Q = s.Q();
  launch(avg_pool2d_forward_kernel, dim3(grid_stride_blocks(s.output_size(), kThreads)),
         dim3(kThreads), 0, stream, s, P, Q, x, y);
}

void avg_pool2d_backward(const AvgPool2dShape& s, const float* dy, float* dx, cudaStream_t stream) {
  const int P = s.P(), Q = s.Q();
  launch(avg_pool2d_backward_kernel, dim3(grid_stride_blocks(s.input_size(), kThreads)),
         dim3(kThreads), 0, stream, s, P, Q, dy, dx);
}

}  // namespace cnn::kernels::cuda
