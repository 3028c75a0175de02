// Reference batch_norm2d (PyTorch's BatchNorm2d), templated over the scalar type; every statistic
// is a two-pass sum in double (mean first, then the squared deviations from it), so a channel
// with a large mean loses nothing to cancellation.
//
// Per channel c over the n = N*H*W elements x[n,c,h,w]:
//   training:  mean, biased var; invstd = 1/sqrt(var + eps); y = (x - mean)*invstd*gamma + beta;
//              running_mean = (1-momentum)*running_mean + momentum*mean,
//              running_var  = (1-momentum)*running_var  + momentum*var*n/(n-1)  (unbiased);
//   inference: the same y with running_mean and invstd = 1/sqrt(running_var + eps);
//   backward (training), with xhat = (x - mean)*invstd from the saved statistics:
//              dbeta = sum dy, dgamma = sum dy*xhat, dx = gamma*invstd*(dy - (dbeta +
//              xhat*dgamma)/n);
//   backward (eval): the running statistics are constants, so dx = dy*gamma*invstd and dgamma,
//              dbeta as above with the running statistics.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

namespace bn_detail {
// Element i (0 <= i < n) of channel c.
inline int64_t bn_index(const BatchNorm2dShape& s, int c, int64_t i) {
  const int64_t hw = int64_t(s.H) * s.W;
  return ((i / hw) * s.C + c) * hw + i % hw;
}
}  // namespace bn_detail

// requires: s.valid(); x, y [N,C,H,W]; gamma, beta, save_mean, save_invstd [C];
// running_mean/running_var [C] or both null (not updated); n > 1 when they are given.
template <typename T, typename Out = T>
void batch_norm2d_forward_training(const BatchNorm2dShape& s, const T* x, const T* gamma,
                                   const T* beta, double eps, double momentum, Out* y,
                                   Out* save_mean, Out* save_invstd, Out* running_mean,
                                   Out* running_var) {
  using bn_detail::bn_index;
  const int64_t n = s.per_channel();
  for (int c = 0; c < s.C; ++c) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += double(x[bn_index(s, c, i)]);
    const double mean = sum / double(n);
    double squares = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double d = double(x[bn_index(s, c, i)]) - mean;
      squares += d * d;
    }
    const double var = squares / double(n);
    const double invstd = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t e = bn_index(s, c, i);
      y[e] = Out((double(x[e]) - mean) * invstd * double(gamma[c]) + double(beta[c]));
    }
    save_mean[c] = Out(mean);
    save_invstd[c] = Out(invstd);
    if (running_mean != nullptr) {
      running_mean[c] = Out((1.0 - momentum) * double(running_mean[c]) + momentum * mean);
      running_var[c] = Out((1.0 - momentum) * double(running_var[c]) +
                           momentum * var * double(n) / double(n - 1));
    }
  }
}

// requires: s.valid(); x, y [N,C,H,W]; gamma, beta, running_mean, running_var [C].
template <typename T, typename Out = T>
void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const T* x, const T* gamma,
                                    const T* beta, const T* running_mean, const T* running_var,
                                    double eps, Out* y) {
  const int64_t n = s.per_channel();
  for (int c = 0; c < s.C; ++c) {
    const double invstd = 1.0 / std::sqrt(double(running_var[c]) + eps);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t e = bn_detail::bn_index(s, c, i);
      y[e] = Out((double(x[e]) - double(running_mean[c])) * invstd * double(gamma[c]) +
                 double(beta[c]));
    }
  }
}

namespace bn_detail {
// The shared backward: dbeta = sum dy, dgamma = sum dy*xhat with xhat = (x - mean)*invstd; dx is
// gamma*invstd*(dy - (dbeta + xhat*dgamma)/n) in training mode and gamma*invstd*dy in eval mode.
template <typename T, typename Out>
void backward(const BatchNorm2dShape& s, const T* x, const T* dy, const T* gamma, int c,
              double mean, double invstd, bool training, Out* dx, Out* dgamma, Out* dbeta) {
  const int64_t n = s.per_channel();
  double sum_dy = 0.0, sum_dy_xhat = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t e = bn_index(s, c, i);
    sum_dy += double(dy[e]);
    sum_dy_xhat += double(dy[e]) * (double(x[e]) - mean) * invstd;
  }
  const double g = double(gamma[c]) * invstd;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t e = bn_index(s, c, i);
    const double xhat = (double(x[e]) - mean) * invstd;
    dx[e] = Out(training ? g * (double(dy[e]) - (sum_dy + xhat * sum_dy_xhat) / double(n))
                         : g * double(dy[e]));
  }
  dgamma[c] = Out(sum_dy_xhat);
  dbeta[c] = Out(sum_dy);
}
}  // namespace bn_detail

// requires: s.valid(); x, dy, dx [N,C,H,W]; gamma, save_mean, save_invstd, dgamma, dbeta [C].
template <typename T, typename Out = T>
void batch_norm2d_backward_training(const BatchNorm2dShape& s, const T* x, const T* dy,
                                    const T* gamma, const T* save_mean, const T* save_invstd,
                                    Out* dx, Out* dgamma, Out* dbeta) {
  for (int c = 0; c < s.C; ++c)
    bn_detail::backward(s, x, dy, gamma, c, double(save_mean[c]), double(save_invstd[c]), true, dx,
                        dgamma, dbeta);
}

// requires: s.valid(); x, dy, dx [N,C,H,W]; gamma, running_mean, running_var, dgamma, dbeta [C].
template <typename T, typename Out = T>
void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const T* x, const T* dy,
                                     const T* gamma, const T* running_mean, const T* running_var,
                                     double eps, Out* dx, Out* dgamma, Out* dbeta) {
  for (int c = 0; c < s.C; ++c)
    bn_detail::backward(s, x, dy, gamma, c, double(running_mean[c]),
                        1.0 / std::sqrt(double(running_var[c]) + eps), false, dx, dgamma, dbeta);
}

}  // namespace cnn::kernels::reference::generic
