// Softmax, log-softmax and cross-entropy (forward and backward) on the CPU, row-wise over
// x[rows, cols].
//
// Numerical choices: the row maximum is subtracted before exp (logits of +-1e4 stay finite) and row
// sums accumulate in double (rows of up to 1e5 columns). Parallel over rows when the whole matrix
// is large enough; one row is never split (the seed network has rows of 2 columns, and large-vocab
// rows still come in batches).
#include <cmath>
#include <limits>

// The kernels never read floating-point exception flags; without this, GCC keeps fast_exp's
// clamping selects as branches (a comparison "could trap") and the exp loops stay scalar.
#pragma GCC optimize("no-trapping-math")

#include "kernels/cpu/fast_exp.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

namespace {

struct RowStats {
  float max;
  double log_sum_exp;  // log sum_j exp(x_j - max)
};

// The max reduction skips NaN, but exp(NaN - m) puts it into the sum, so a NaN anywhere in the
// row still reaches every output through log_sum_exp (as in the reference).
RowStats row_stats(const float* x, int cols) {
  float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
  for (int j = 0; j < cols; ++j) m = x[j] > m ? x[j] : m;
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (int j = 0; j < cols; ++j) sum += double(fast_exp(x[j] - m));
  return {m, std::log(sum)};
}

}  // namespace

void softmax_forward(const SoftmaxShape& s, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (worth_parallel(int64_t(s.rows) * s.cols))
  for (int i = 0; i < s.rows; ++i) {
    const float* xr = x + int64_t(i) * s.cols;
    float* yr = y + int64_t(i) * s.cols;
    const RowStats st = row_stats(xr, s.cols);
    // (x - max) - lse, not x - (max + lse): max + lse rounded to float would cost ~1e-3 of
    // absolute exponent error for logits around 1e4.
    const float lse = float(st.log_sum_exp);
#pragma omp simd
    for (int j = 0; j < s.cols; ++j) yr[j] = fast_exp((xr[j] - st.max) - lse);
  }
}

void softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (worth_parallel(int64_t(s.rows) * s.cols))
  for (int i = 0; i < s.rows; ++i) {
    const int64_t row = int64_t(i) * s.cols;
    double dot = 0.0;
#pragma omp simd reduction(+ : dot)
    for (int j = 0; j < s.cols; ++j) dot += double(dy[row + j]) * double(y[row + j]);
    const float d = float(dot);
#pragma omp simd
    for (int j = 0; j < s.cols; ++j) dx[row + j] = y[row + j] * (dy[row + j] - d);
  }
}

void log_softmax_forward(const SoftmaxShape& s, const float* x, float* y) {
#pragma omp parallel for schedule(static) if (worth_parallel(int64_t(s.rows) * s.cols))
  for (int i = 0; i < s.rows; ++i) {
    const float* xr = x + int64_t(i) * s.cols;
    float* yr = y + int64_t(i) * s.cols;
    const RowStats st = row_stats(xr, s.cols);
    const float lse = float(st.log_sum_exp);
#pragma omp simd
    for (int j = 0; j < s.cols; ++j) yr[j] = (xr[j] - st.max) - lse;
  }
}

void log_softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx) {
#pragma omp parallel for schedule(static) if (worth_parallel(int64_t(s.rows) * s.cols))
  for (int i = 0; i < s.rows; ++i) {
    const int64_t row = int64_t(i) * s.cols;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < s.cols; ++j) sum += double(dy[row + j]);
    const float total = float(sum);
#pragma omp simd
    for (int j = 0; j < s.cols; ++j) dx[row + j] = dy[row + j] - fast_exp(y[row + j]) * total;
  }
}

void cross_entropy_forward(const SoftmaxShape& s, const float* logits, const int32_t* labels,
                           float* probs, float* loss) {
  double total = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : total) \
    if (worth_parallel(int64_t(s.rows) * s.cols))
  for (int i = 0; i < s.rows; ++i) {
    const float* xr = logits + int64_t(i) * s.cols;
    float* pr = probs + int64_t(i) * s.cols;
    const RowStats st = row_stats(xr, s.cols);
    const float lse = float(st.log_sum_exp);
#pragma omp simd
    for (int j = 0; j < s.cols; ++j) pr[j] = fast_exp((xr[j] - st.max) - lse);
    const int32_t label = labels[i];
    // -log softmax(x)[label] = max + lse - x[label], in double to keep small losses exact.
    total += (label < 0 || label >= s.cols) ? std::numeric_limits<double>::quiet_NaN()
                                            : double(st.max) + st.log_sum_exp - double(xr[label]);
  }
  loss[0] = float(total / s.rows);
}

void cross_entropy_backward(const SoftmaxShape& s, const float* probs, const int32_t* labels,
                            const float* dloss, float* dlogits) {
  const float g = float(double(dloss[0]) / s.rows);
#pragma omp parallel for schedule(static) if (worth_parallel(int64_t(s.rows) * s.cols))
  for (int i = 0; i < s.rows; ++i) {
    const int64_t row = int64_t(i) * s.cols;
#pragma omp simd
    for (int j = 0; j < s.cols; ++j) dlogits[row + j] = probs[row + j] * g;
    const int32_t label = labels[i];
    if (label >= 0 && label < s.cols) dlogits[row + label] = (probs[row + label] - 1.f) * g;
  }
}

}  // namespace cnn::kernels::cpu
