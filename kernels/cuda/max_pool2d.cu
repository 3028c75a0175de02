// max_pool2d forward (with argmax) and backward.
//
// Forward: one thread per output element, consecutive threads along q so the window reads
// coalesce. Padding counts as -infinity (only in-bounds elements are candidates); ties keep the
// first element in row-major window order and a NaN wins and stays, exactly the reference's (and
// PyTorch's) rule. argmax is h*W + w inside the (n, c) plane. Extra end padding (TF 'same') only
// adds output rows/columns via P()/Q(); its taps fail the bounds checks like any padding.
// Backward in gather form: one thread per *input* element sums dy over the windows whose argmax
// points at it. Every dx element is written exactly once, so there is no zero-fill pass and no
// atomicAdd, and overlapping windows (stride < kernel) are still summed in a fixed order, which
// keeps the result deterministic. A thread visits at most kernel_h * kernel_w candidate windows.
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void __launch_bounds__(kThreads)
    max_pool2d_forward_kernel(MaxPool2dShape s, int P, int Q, const float* x, float* y,
                              int32_t* argmax) {
  const int64_t total = int64_t(s.N) * s.C * P * Q;
  for (int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < total;
       o += int64_t(gridDim.x) * blockDim.x) {
    const int q = int(o % Q);
    const int p = int((o / Q) % P);
    const int64_t plane = o / (int64_t(P) * Q);
    const float* xp = x + plane * s.H * s.W;
    float best = -INFINITY;
    int32_t best_index = -1;
    bool best_is_nan = false;
    for (int i = 0; i < s.kernel_h; ++i) {
      const int h = p * s.stride_h - s.pad_h + i * s.dilation_h;
      if (h < 0 || h >= s.H) continue;
      for (int j = 0; j < s.kernel_w; ++j) {
        const int w = q * s.stride_w - s.pad_w + j * s.dilation_w;
        if (w < 0 || w >= s.W) continue;
        const float v = __ldg(xp + h * s.W + w);
        if (best_index < 0 || (!best_is_nan && (v > best || v != v))) {
          best = v;
          best_index = h * s.W + w;
          best_is_nan = v != v;
        }
      }
    }
    y[o] = best;
    argmax[o] = best_index;
  }
}

__global__ void __launch_bounds__(kThreads)
    max_pool2d_backward_kernel(MaxPool2dShape s, int P, int Q, const float* dy,
                               const int32_t* argmax, float* dx) {
  const int64_t total = int64_t(s.N) * s.C * s.H * s.W;
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += int64_t(gridDim.x) * blockDim.x) {
    const int w = int(e % s.W);
    const int h = int((e / s.W) % s.H);
    const int64_t plane = e / (int64_t(s.H) * s.W);
    const int32_t self = h * s.W + w;
    const int64_t out_base = plane * P * Q;
    float sum = 0.f;
    // Window (p, q) covers h when h = p*stride_h - pad_h + i*dilation_h for some tap i.
    for (int i = 0; i < s.kernel_h; ++i) {
      const int ph = h + s.pad_h - i * s.dilation_h;
      if (ph < 0 || ph % s.stride_h != 0) continue;
      const int p = ph / s.stride_h;
      if (p >= P) continue;
      for (int j = 0; j < s.kernel_w; ++j) {
        const int qw = w + s.pad_w - j * s.dilation_w;
        if (qw < 0 || qw % s.stride_w != 0) continue;
        const int q = qw / s.stride_w;
        if (q >= Q) continue;
        const int64_t o = out_base + int64_t(p) * Q + q;
        if (__ldg(argmax + o) == self) sum += __ldg(dy + o);
      }
    }
    dx[e] = sum;
  }
}

}  // namespace

void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax,
                        cudaStream_t stream) {
  const int P = s.P(), Q = s.Q();
  launch(max_pool2d_forward_kernel, dim3(grid_stride_blocks(s.output_size(), kThreads)),
         dim3(kThreads), 0, stream, s, P, Q, x, y, argmax);
}

void max_pool2d_backward(const MaxPool2dShape& s, const float* dy, const int32_t* argmax, float* dx,
                         cudaStream_t stream) {
  const int P = s.P(), Q = s.Q();
  launch(max_pool2d_backward_kernel, dim3(grid_stride_blocks(s.input_size(), kThreads)),
         dim3(kThreads), 0, stream, s, P, Q, dy, argmax, dx);
}

}  // namespace cnn::kernels::cuda
