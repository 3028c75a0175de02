// batch_norm2d forward (training and inference) and backward (training and eval mode) on the CPU,
// PyTorch semantics (formulas: kernels/reference/batch_norm2d.h).
//
// Parallel over channels: a channel's statistics are one thread's loops in a fixed order, so the
// results are bit-identical from run to run without any cross-thread reduction. The statistics are
// two-pass sums accumulated in double (mean first, then squared deviations from it), so a channel
// whose mean is large next to its spread keeps its variance. Each channel walks its N planes of
// H*W contiguous floats.
#include <cmath>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

namespace {

bool parallel_over_channels(const BatchNorm2dShape& s) {
  return s.C > 1 && worth_parallel(s.input_size());
}

// sum_i x_i and sum_i (x_i - mean)^2 over channel c, in double.
double channel_sum(const BatchNorm2dShape& s, const float* x, int c) {
  const int64_t hw = int64_t(s.H) * s.W;
  double sum = 0.0;
  for (int n = 0; n < s.N; ++n) {
    const float* xp = x + (int64_t(n) * s.C + c) * hw;
    for (int64_t i = 0; i < hw; ++i) sum += double(xp[i]);
  }
  return sum;
}

double channel_squared_deviation(const BatchNorm2dShape& s, const float* x, int c, double mean) {
  const int64_t hw = int64_t(s.H) * s.W;
  double sum = 0.0;
  for (int n = 0; n < s.N; ++n) {
    const float* xp = x + (int64_t(n) * s.C + c) * hw;
    for (int64_t i = 0; i < hw; ++i) {
      const double d = double(xp[i]) - mean;
      sum += d * d;
    }
  }
  return sum;
}

// y = (x - center)*scale + shift over channel c. Centring first (rather than x*scale + (shift -
// center*scale)) keeps a large mean from cancelling in the output.
void channel_affine(const BatchNorm2dShape& s, const float* x, int c, float center, float scale,
                    float shift, float* y) {
  const int64_t hw = int64_t(s.H) * s.W;
  for (int n = 0; n < s.N; ++n) {
    const int64_t base = (int64_t(n) * s.C + c) * hw;
    for (int64_t i = 0; i < hw; ++i) y[base + i] = (x[base + i] - center) * scale + shift;
  }
}

// The shared backward of channel c (see the reference): training adds the terms through the
// batch statistics.
void channel_backward(const BatchNorm2dShape& s, const float* x, const float* dy, int c,
                      float gamma, float mean, float invstd, bool training, float* dx,
                      float* dgamma, float* dbeta) {
  const int64_t hw = int64_t(s.H) * s.W;
  double sum_dy = 0.0, sum_dy_centered = 0.0;
  for (int n = 0; n < s.N; ++n) {
    const int64_t base = (int64_t(n) * s.C + c) * hw;
    for (int64_t i = 0; i < hw; ++i) {
      sum_dy += double(dy[base + i]);
      sum_dy_centered += double(dy[base + i]) * (double(x[base + i]) - double(mean));
    }
  }
  const double sum_dy_xhat = sum_dy_centered * double(invstd);
  dgamma[c] = float(sum_dy_xhat);
  dbeta[c] = float(sum_dy);
  const float g = gamma * invstd;
  // training: dx = g*(dy - mean(dy) - xhat*mean(dy*xhat)) = g*dy - g*mean(dy) - (x-mean)*k.
  const double count = double(s.per_channel());
  const float mean_dy = training ? float(sum_dy / count) : 0.f;
  const float k = training ? float(double(g) * double(invstd) * sum_dy_xhat / count) : 0.f;
  for (int n = 0; n < s.N; ++n) {
    const int64_t base = (int64_t(n) * s.C + c) * hw;
    for (int64_t i = 0; i < hw; ++i)
      dx[base + i] = g * (dy[base + i] - mean_dy) - (x[base + i] - mean) * k;
  }
}

}  // namespace

void batch_norm2d_forward_training(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                   const float* beta, float eps, float momentum, float* y,
                                   float* save_mean, float* save_invstd, float* running_mean,
                                   float* running_var) {
  const int64_t count = s.per_channel();
#pragma omp parallel for schedule(static) if (parallel_over_channels(s))
  for (int c = 0; c < s.C; ++c) {
    const double mean = channel_sum(s, x, c) / double(count);
    const double var = channel_squared_deviation(s, x, c, mean) / double(count);
    const double invstd = 1.0 / std::sqrt(var + double(eps));
    save_mean[c] = float(mean);
    save_invstd[c] = float(invstd);
    const double scale = double(gamma[c]) * invstd;
    channel_affine(s, x, c, float(mean), float(scale), beta[c], y);
    if (running_mean != nullptr) {
      const double m = double(momentum);
      running_mean[c] = float((1.0 - m) * double(running_mean[c]) + m * mean);
      running_var[c] =
          float((1.0 - m) * double(running_var[c]) + m * var * double(count) / double(count - 1));
    }
  }
}

void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                    const float* beta, const float* running_mean,
                                    const float* running_var, float eps, float* y) {
#pragma omp parallel for schedule(static) if (parallel_over_channels(s))
  for (int c = 0; c < s.C; ++c) {
    const double invstd = 1.0 / std::sqrt(double(running_var[c]) + double(eps));
    const double scale = double(gamma[c]) * invstd;
    channel_affine(s, x, c, running_mean[c], float(scale), beta[c], y);
  }
}

void batch_norm2d_backward_training(const BatchNorm2dShape& s, const float* x, const float* dy,
                                    const float* gamma, const float* save_mean,
                                    const float* save_invstd, float* dx, float* dgamma,
                                    float* dbeta) {
#pragma omp parallel for schedule(static) if (parallel_over_channels(s))
  for (int c = 0; c < s.C; ++c)
    channel_backward(s, x, dy, c, gamma[c], save_mean[c], save_invstd[c], true, dx, dgamma, dbeta);
}

void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const float* x, const float* dy,
                                     const float* gamma, const float* running_mean,
                                     const float* running_var, float eps, float* dx, float* dgamma,
                                     float* dbeta) {
#pragma omp parallel for schedule(static) if (parallel_over_channels(s))
  for (int c = 0; c < s.C; ++c) {
    const float invstd = float(1.0 / std::sqrt(double(running_var[c]) + double(eps)));
    channel_backward(s, x, dy, c, gamma[c], running_mean[c], invstd, false, dx, dgamma, dbeta);
  }
}

}  // namespace cnn::kernels::cpu
