// batch_norm2d forward (training and inference) and backward (training and eval mode), PyTorch
// semantics (formulas: kernels/reference/batch_norm2d.h).
//
// Training forward and both backwards: one block per channel (grid-stride over channels). The
// block makes every pass over the channel's n = N*H*W elements itself, so the statistics never
// leave the block: pass 1 sums x (mean), pass 2 sums (x - mean)^2 (a two-pass variance, so a large
// mean does not cancel), then the block writes y and, from thread 0, the saved statistics and the
// running-stat update - all in one launch. Each thread accumulates its strided slice in double and
// the block combines the partials with double warp shuffles in a fixed tree, so the result
// depends only on the shape (deterministic) and loses nothing to the length of a channel. The
// backward uses the same layout for sum dy and sum dy*(x - mean), then writes dx.
// Limitation: a few channels with huge N*H*W use only a few SMs; splitting a channel over blocks
// (partials in scratch, a second pass) would fix that, as sum_rows does for long rows.
// Inference forward is elementwise: one thread per element, invstd recomputed per element (one
// sqrt next to a memory-bound read/write).
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/ops.h"

namespace cnn::kernels::cuda {
namespace {

constexpr int kThreads = 256;

// Offset of element j (0 <= j < n) of a channel from the channel's first element: j runs over
// the N images' H*W planes, which lie C*H*W apart.
__device__ __forceinline__ int64_t channel_offset(int64_t j, int64_t hw, int64_t image_stride) {
  const int64_t image = j / hw;
  return image * image_stride + (j - image * hw);
}

__global__ void __launch_bounds__(kThreads)
    batch_norm2d_forward_training_kernel(BatchNorm2dShape s, const float* x, const float* gamma,
                                         const float* beta, float eps, float momentum, float* y,
                                         float* save_mean, float* save_invstd, float* running_mean,
                                         float* running_var) {
  __shared__ double scratch[kWarpSize];
  const int64_t hw = int64_t(s.H) * s.W, image_stride = int64_t(s.C) * hw;
  const int64_t n = s.per_channel();
  for (int c = blockIdx.x; c < s.C; c += gridDim.x) {
    const float* xc = x + c * hw;
    double sum = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x)
      sum += double(__ldg(xc + channel_offset(j, hw, image_stride)));
    const double mean = block_sum(sum, scratch) / double(n);
    double squares = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
      const double d = double(__ldg(xc + channel_offset(j, hw, image_stride))) - mean;
      squares += d * d;
    }
    const double var = block_sum(squares, scratch) / double(n);
    const double invstd = 1.0 / sqrt(var + double(eps));
    if (threadIdx.x == 0) {
      save_mean[c] = float(mean);
      save_invstd[c] = float(invstd);
      if (running_mean != nullptr) {
        const double m = double(momentum);
        running_mean[c] = float((1.0 - m) * double(running_mean[c]) + m * mean);
        running_var[c] =
            float((1.0 - m) * double(running_var[c]) + m * var * double(n) / double(n - 1));
      }
    }
    const float center = float(mean), scale = float(double(gamma[c]) * invstd), shift = beta[c];
    float* yc = y + c * hw;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
      const int64_t off = channel_offset(j, hw, image_stride);
      yc[off] = (__ldg(xc + off) - center) * scale + shift;
    }
  }
}

__global__ void __launch_bounds__(kThreads)
    batch_norm2d_forward_inference_kernel(BatchNorm2dShape s, const float* x, const float* gamma,
                                          const float* beta, const float* running_mean,
                                          const float* running_var, float eps, float* y) {
  const int64_t hw = int64_t(s.H) * s.W, total = s.input_size();
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += int64_t(gridDim.x) * blockDim.x) {
    const int c = int((e / hw) % s.C);
    const float scale = __ldg(gamma + c) / sqrtf(__ldg(running_var + c) + eps);
    y[e] = (__ldg(x + e) - __ldg(running_mean + c)) * scale + __ldg(beta + c);
  }
}

// Training: center/spread are the saved mean and invstd. Eval: the running mean and variance,
// invstd = 1/sqrt(var + eps), and dx has no terms through the statistics.
template <bool kTraining>
__global__ void __launch_bounds__(kThreads)
    batch_norm2d_backward_kernel(BatchNorm2dShape s, const float* x, const float* dy,
                                 const float* gamma, const float* center, const float* spread,
                                 float eps, float* dx, float* dgamma, float* dbeta) {
  __shared__ double scratch[kWarpSize];
  const int64_t hw = int64_t(s.H) * s.W, image_stride = int64_t(s.C) * hw;
  const int64_t n = s.per_channel();
  for (int c = blockIdx.x; c < s.C; c += gridDim.x) {
    const float mean = center[c];
    const float invstd = kTraining ? spread[c] : float(1.0 / sqrt(double(spread[c]) + double(eps)));
    const int64_t base = c * hw;
    double sum_dy = 0.0, sum_dy_centered = 0.0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
      const int64_t off = base + channel_offset(j, hw, image_stride);
      const double g = double(__ldg(dy + off));
      sum_dy += g;
      sum_dy_centered += g * (double(__ldg(x + off)) - double(mean));
    }
    sum_dy = block_sum(sum_dy, scratch);
    const double sum_dy_xhat = block_sum(sum_dy_centered, scratch) * double(invstd);
    if (threadIdx.x == 0) {
      dgamma[c] = float(sum_dy_xhat);
      dbeta[c] = float(sum_dy);
    }
    const float g = gamma[c] * invstd;
    // training: dx = g*(dy - mean(dy)) - (x - mean)*g*invstd*mean(dy*xhat).
    const float mean_dy = kTraining ? float(sum_dy / double(n)) : 0.f;
    const float k = kTraining ? float(double(g) * double(invstd) * sum_dy_xhat / double(n)) : 0.f;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
      const int64_t off = base + channel_offset(j, hw, image_stride);
      dx[off] = g * (__ldg(dy + off) - mean_dy) - (__ldg(x + off) - mean) * k;
    }
  }
}

// One block per channel, capped by the grid's x limit (the kernels loop over the rest).
dim3 channel_grid(const BatchNorm2dShape& s) {
  return dim3(unsigned(min_of(s.C, 65535)));
}

}  // namespace

void batch_norm2d_forward_training(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                   const float* beta, float eps, float momentum, float* y,
                                   float* save_mean, float* save_invstd, float* running_mean,
                                   float* running_var, cudaStream_t stream) {
  launch(batch_norm2d_forward_training_kernel, channel_grid(s), dim3(kThreads), 0, stream, s, x,
         gamma, beta, eps, momentum, y, save_mean, save_invstd, running_mean, running_var);
}

void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                    const float* beta, const float* running_mean,
                                    const float* running_var, float eps, float* y,
                                    cudaStream_t stream) {
  launch(batch_norm2d_forward_inference_kernel, dim3(grid_stride_blocks(s.input_size(), kThreads)),
         dim3(kThreads), 0, stream, s, x, gamma, beta, running_mean, running_var, eps, y);
}

void batch_norm2d_backward_training(const BatchNorm2dShape& s, const float* x, const float* dy,
                                    const float* gamma, const float* save_mean,
                                    const float* save_invstd, float* dx, float* dgamma,
                                    float* dbeta, cudaStream_t stream) {
  launch(batch_norm2d_backward_kernel<true>, channel_grid(s), dim3(kThreads), 0, stream, s, x, dy,
         gamma, save_mean, save_invstd, 0.f, dx, dgamma, dbeta);
}

void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const float* x, const float* dy,
                                     const float* gamma, const float* running_mean,
                                     const float* running_var, float eps, float* dx, float* dgamma,
                                     float* dbeta, cudaStream_t stream) {
  launch(batch_norm2d_backward_kernel<false>, channel_grid(s), dim3(kThreads), 0, stream, s, x, dy,
         gamma, running_mean, running_var, eps, dx, dgamma, dbeta);
}

}  // namespace cnn::kernels::cuda
