// Depthwise conv2d (groups == C, K = C * multiplier) forward and backward as direct kernels.
// Each filter sees one input plane, so the implicit GEMM would have a reduction of only R*S:
// tiles of it would be mostly padding. The op is memory-bound (9 multiply-adds per 8 bytes for
// 3x3), so the kernels aim at coalesced, read-once traffic instead:
//
//   forward          one thread per output element (n,k,p,q), consecutive threads along q so the
//                    window reads coalesce; the R x S taps of a warp's window rows hit L1.
//   backward data    gather form, one thread per input element (n,c,h,w): it sums dy over the
//                    multiplier filters of its channel and every tap whose window covers it
//                    (p = (h+ph-r)/sh, q = (w+pw-s)/sw exact and in range). Each dx element is
//                    written once by one thread: no atomics, no zero fill, a fixed order.
//   backward weight  one block per (tap, filter) computes dw[k, 0, r, s] = sum over n, p, q of
//                    dy * x: its threads stride over the batch's output pixels in a fixed order
//                    and meet in block_sum (common.cuh). The taps of one filter are neighbouring
//                    blocks, so the dy plane they all read comes from L2 after the first. No
//                    atomics: bit-identical from run to run, like the rest of conv2d.
// The filter index f belongs to input channel f / multiplier (PyTorch's grouped layout).
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/conv2d_depthwise.h"

namespace cnn::kernels::cuda::detail {
namespace {

constexpr int kThreads = 256;

// Launch-time constants of a depthwise problem; P, Q and the multiplier computed on the host.
struct DepthwiseDims {
  int N, C, H, W, K, R, S, stride_h, stride_w, pad_h, pad_w, P, Q, multiplier;
};

DepthwiseDims dims_of(const Conv2dShape& s) {
  return {s.N,        s.C,        s.H,     s.W,     s.K,   s.R,   s.S,
          s.stride_h, s.stride_w, s.pad_h, s.pad_w, s.P(), s.Q(), s.K / s.C};
}

__global__ void __launch_bounds__(kThreads)
    depthwise_forward_kernel(DepthwiseDims d, const float* x, const float* w, const float* bias,
                             float* y) {
  const int64_t total = int64_t(d.N) * d.K * d.P * d.Q;
  for (int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < total;
       o += int64_t(gridDim.x) * blockDim.x) {
    const int q = int(o % d.Q);
    const int p = int((o / d.Q) % d.P);
    const int64_t plane = o / (int64_t(d.P) * d.Q);  // n * K + f
    const int f = int(plane % d.K);
    const int64_t n = plane / d.K;
    const float* xp = x + (n * d.C + f / d.multiplier) * d.H * d.W;
    const float* wf = w + int64_t(f) * d.R * d.S;
    float acc = bias ? __ldg(bias + f) : 0.f;
    for (int r = 0; r < d.R; ++r) {
      const int h = p * d.stride_h - d.pad_h + r;
      if (h < 0 || h >= d.H) continue;
      for (int t = 0; t < d.S; ++t) {
        const int col = q * d.stride_w - d.pad_w + t;
        if (col < 0 || col >= d.W) continue;
        acc += __ldg(xp + h * d.W + col) * __ldg(wf + r * d.S + t);
      }
    }
    y[o] = acc;
  }
}

__global__ void __launch_bounds__(kThreads)
    depthwise_backward_data_kernel(DepthwiseDims d, const float* dy, const float* w, float* dx) {
  const int64_t total = int64_t(d.N) * d.C * d.H * d.W;
  const int64_t PQ = int64_t(d.P) * d.Q;
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += int64_t(gridDim.x) * blockDim.x) {
    const int col = int(e % d.W);
    const int h = int((e / d.W) % d.H);
    const int64_t plane = e / (int64_t(d.H) * d.W);  // n * C + c
    const int c = int(plane % d.C);
    const int64_t n = plane / d.C;
    float sum = 0.f;
    for (int m = 0; m < d.multiplier; ++m) {
      const int f = c * d.multiplier + m;
      const float* dyp = dy + (n * d.K + f) * PQ;
      const float* wf = w + int64_t(f) * d.R * d.S;
      // Output row p covers h through tap r when h = p*sh - ph + r.
      for (int r = 0; r < d.R; ++r) {
        const int ph = h + d.pad_h - r;
        if (ph < 0 || ph % d.stride_h != 0) continue;
        const int p = ph / d.stride_h;
        if (p >= d.P) continue;
        for (int t = 0; t < d.S; ++t) {
          const int qw = col + d.pad_w - t;
          if (qw < 0 || qw % d.stride_w != 0) continue;
          const int q = qw / d.stride_w;
          if (q >= d.Q) continue;
          sum += __ldg(dyp + int64_t(p) * d.Q + q) * __ldg(wf + r * d.S + t);
        }
      }
    }
    dx[e] = sum;
  }
}

// blockIdx.x = tap (r*S + s), blockIdx.y = filter f (grid-strided when K > 65535).
__global__ void __launch_bounds__(kThreads)
    depthwise_backward_weight_kernel(DepthwiseDims d, const float* x, const float* dy, float* dw) {
  __shared__ float scratch[kWarpSize];
  const int tap = blockIdx.x, r = tap / d.S, t = tap % d.S;
  const int PQ = d.P * d.Q;
  for (int f = blockIdx.y; f < d.K; f += gridDim.y) {
    const int c = f / d.multiplier;
    float sum = 0.f;
    for (int n = 0; n < d.N; ++n) {
      const float* xp = x + (int64_t(n) * d.C + c) * d.H * d.W;
      const float* dyp = dy + (int64_t(n) * d.K + f) * PQ;
      for (int pq = threadIdx.x; pq < PQ; pq += blockDim.x) {
        const int p = pq / d.Q, q = pq - p * d.Q;
        const int h = p * d.stride_h - d.pad_h + r, col = q * d.stride_w - d.pad_w + t;
        if (unsigned(h) < unsigned(d.H) && unsigned(col) < unsigned(d.W))
          sum += __ldg(dyp + pq) * __ldg(xp + h * d.W + col);
      }
    }
    sum = block_sum(sum, scratch);  // ends with a barrier: scratch is free for the next f
    if (threadIdx.x == 0) dw[int64_t(f) * d.R * d.S + tap] = sum;
  }
}

}  // namespace

void conv2d_depthwise_forward(const Conv2dShape& s, const float* x, const float* w,
                              const float* bias, float* y, cudaStream_t stream) {
  launch(depthwise_forward_kernel, dim3(grid_stride_blocks(s.output_size(), kThreads)),
         dim3(kThreads), 0, stream, dims_of(s), x, w, bias, y);
}

void conv2d_depthwise_backward_data(const Conv2dShape& s, const float* dy, const float* w,
                                    float* dx, cudaStream_t stream) {
  launch(depthwise_backward_data_kernel, dim3(grid_stride_blocks(s.input_size(), kThreads)),
         dim3(kThreads), 0, stream, dims_of(s), dy, w, dx);
}

void conv2d_depthwise_backward_weight(const Conv2dShape& s, const float* x, const float* dy,
                                      float* dw, cudaStream_t stream) {
  const dim3 grid(unsigned(s.R * s.S), unsigned(min_of(s.K, 65535)));
  launch(depthwise_backward_weight_kernel, grid, dim3(kThreads), 0, stream, dims_of(s), x, dy, dw);
}

}  // namespace cnn::kernels::cuda::detail
