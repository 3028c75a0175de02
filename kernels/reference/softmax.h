// Reference softmax, log-softmax and cross-entropy (forward and backward), templated over the
// scalar type (input and output may differ). Row-wise over x[rows, cols]; every exp/log/sum runs in
// double after subtracting the row maximum, so logits of +-1e4 stay finite.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/shapes.h"

namespace cnn::kernels::reference::generic {

namespace softmax_detail {
// max_j x_j and log sum_j exp(x_j - max) of one row, in double.
struct RowStats {
  double max = -std::numeric_limits<double>::infinity();
  double log_sum_exp = 0.0;
};
template <typename T>
RowStats row_stats(const T* x, int cols) {
  RowStats r;
  for (int j = 0; j < cols; ++j) r.max = std::fmax(r.max, double(x[j]));
  double sum = 0.0;
  for (int j = 0; j < cols; ++j) sum += std::exp(double(x[j]) - r.max);
  r.log_sum_exp = std::log(sum);
  return r;
}
}  // namespace softmax_detail

template <typename T, typename Out = T>
void softmax_forward(const SoftmaxShape& s, const T* x, Out* y) {
  for (int i = 0; i < s.rows; ++i) {
    const T* xr = x + int64_t(i) * s.cols;
    const auto st = softmax_detail::row_stats(xr, s.cols);
    for (int j = 0; j < s.cols; ++j)
      y[int64_t(i) * s.cols + j] = Out(std::exp(double(xr[j]) - st.max - st.log_sum_exp));
  }
}

// dx = y * (dy - sum_j dy_j y_j)
template <typename T, typename Out = T>
void softmax_backward(const SoftmaxShape& s, const T* y, const T* dy, Out* dx) {
  for (int i = 0; i < s.rows; ++i) {
    const int64_t row = int64_t(i) * s.cols;
    double dot = 0.0;
    for (int j = 0; j < s.cols; ++j) dot += double(dy[row + j]) * double(y[row + j]);
    for (int j = 0; j < s.cols; ++j)
      dx[row + j] = Out(double(y[row + j]) * (double(dy[row + j]) - dot));
  }
}

template <typename T, typename Out = T>
void log_softmax_forward(const SoftmaxShape& s, const T* x, Out* y) {
  for (int i = 0; i < s.rows; ++i) {
    const T* xr = x + int64_t(i) * s.cols;
    const auto st = softmax_detail::row_stats(xr, s.cols);
    for (int j = 0; j < s.cols; ++j)
      y[int64_t(i) * s.cols + j] = Out(double(xr[j]) - st.max - st.log_sum_exp);
  }
}

// y is log_softmax's output: dx = dy - exp(y) * sum_j dy_j
template <typename T, typename Out = T>
void log_softmax_backward(const SoftmaxShape& s, const T* y, const T* dy, Out* dx) {
  for (int i = 0; i < s.rows; ++i) {
    const int64_t row = int64_t(i) * s.cols;
    double sum = 0.0;
    for (int j = 0; j < s.cols; ++j) sum += double(dy[row + j]);
    for (int j = 0; j < s.cols; ++j)
      dx[row + j] = Out(double(dy[row + j]) - std::exp(double(y[row + j])) * sum);
  }
}

// loss[0] = mean_i (log_sum_exp(x_i) - x_i[label_i]); probs = softmax(x). A label outside
// [0, cols) makes the loss NaN (probs are still written).
template <typename T, typename Out = T>
void cross_entropy_forward(const SoftmaxShape& s, const T* logits, const int32_t* labels,
                           Out* probs, Out* loss) {
  double total = 0.0;
  for (int i = 0; i < s.rows; ++i) {
    const T* xr = logits + int64_t(i) * s.cols;
    const auto st = softmax_detail::row_stats(xr, s.cols);
    for (int j = 0; j < s.cols; ++j)
      probs[int64_t(i) * s.cols + j] = Out(std::exp(double(xr[j]) - st.max - st.log_sum_exp));
    const int32_t label = labels[i];
    if (label < 0 || label >= s.cols)
      total = std::numeric_limits<double>::quiet_NaN();
    else
      total += st.max + st.log_sum_exp - double(xr[label]);
  }
  loss[0] = Out(total / s.rows);
}

// dlogits = (probs - onehot(labels)) * dloss[0] / rows
template <typename T, typename Out = T>
void cross_entropy_backward(const SoftmaxShape& s, const T* probs, const int32_t* labels,
                            const T* dloss, Out* dlogits) {
  const double g = double(dloss[0]) / s.rows;
  for (int i = 0; i < s.rows; ++i)
    for (int j = 0; j < s.cols; ++j) {
      const int64_t o = int64_t(i) * s.cols + j;
      dlogits[o] = Out((double(probs[o]) - (labels[i] == j ? 1.0 : 0.0)) * g);
    }
}

}  // namespace cnn::kernels::reference::generic
