// softmax, log_softmax and cross-entropy op cases over softmax_problems(). Backward cases feed
// the backward kernel a real forward output (the reference's, rounded to float), as autograd
// does. Logits reach +-1e4 in some problems: outputs must stay finite there (a NaN or inf where
// the reference is finite fails every comparison).
#include <cmath>

#include "kernels/reference/softmax.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {

std::vector<float> to_float(const std::vector<double>& v) {
  return {v.begin(), v.end()};
}

// Per row: max_j x_j and log sum_j exp(x_j - max), in double.
struct RowStats {
  std::vector<double> max, lse;
};
RowStats row_stats(const SoftmaxShape& s, const std::vector<float>& x) {
  RowStats st{std::vector<double>(static_cast<size_t>(s.rows)),
              std::vector<double>(static_cast<size_t>(s.rows))};
  for (int i = 0; i < s.rows; ++i) {
    double m = -INFINITY, sum = 0.0;
    for (int j = 0; j < s.cols; ++j) m = std::fmax(m, double(x[size_t(i) * s.cols + j]));
    for (int j = 0; j < s.cols; ++j) sum += std::exp(double(x[size_t(i) * s.cols + j]) - m);
    st.max[size_t(i)] = m;
    st.lse[size_t(i)] = std::log(sum);
  }
  return st;
}

std::vector<int32_t> random_labels(Rng& rng, const SoftmaxShape& s) {
  std::vector<int32_t> labels(static_cast<size_t>(s.rows));
  for (auto& l : labels) l = rng.uniform_int(0, s.cols - 1);
  return labels;
}

}  // namespace

std::vector<OpCase> softmax_cases() {
  std::vector<OpCase> cases;
  for (const SoftmaxProblem& p : softmax_problems()) {
    const SoftmaxShape s = p.shape;
    const int64_t n = int64_t(s.rows) * s.cols;

    cases.push_back({"softmax_forward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("softmax_forward", p.name));
                       const auto x = rng.uniform_vector(n, -p.logit_range, p.logit_range);
                       BackendArray<float> dx(b, x), dy(b, n);
                       b.softmax_forward(s, dx.data(), dy.data());
                       std::vector<double> ref_y(static_cast<size_t>(n));
                       const auto xd = to_double(x);
                       ref::softmax_forward<double>(s, xd.data(), ref_y.data());
                       return std::vector<Comparison>{compare_row_normwise(
                           "y", dy.download(), ref_y, s.cols, kSoftmaxTolerance)};
                     }});

    cases.push_back({"softmax_backward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("softmax_backward", p.name));
                       const auto xd =
                           to_double(rng.uniform_vector(n, -p.logit_range, p.logit_range));
                       std::vector<double> y_exact(static_cast<size_t>(n));
                       ref::softmax_forward<double>(s, xd.data(), y_exact.data());
                       const auto y = to_float(y_exact);
                       const auto dy = rng.uniform_vector(n);
                       BackendArray<float> dyv(b, y), ddy(b, dy), ddx(b, n);
                       b.softmax_backward(s, dyv.data(), ddy.data(), ddx.data());
                       const auto yd = to_double(y), dyd = to_double(dy);
                       std::vector<double> ref_dx(static_cast<size_t>(n));
                       std::vector<float> scale(static_cast<size_t>(n));
                       ref::softmax_backward<double>(s, yd.data(), dyd.data(), ref_dx.data());
                       // dx_j = y_j (dy_j - sum_k dy_k y_k): scale y_j (|dy_j| + sum_k |dy_k| y_k)
                       for (int i = 0; i < s.rows; ++i) {
                         const size_t row = size_t(i) * size_t(s.cols);
                         double dot = 0.0;
                         for (int j = 0; j < s.cols; ++j)
                           dot += std::fabs(dyd[row + j]) * yd[row + j];
                         for (int j = 0; j < s.cols; ++j)
                           scale[row + j] = yd[row + j] * (std::fabs(dyd[row + j]) + dot);
                       }
                       return std::vector<Comparison>{
                           compare_scaled("dx", ddx.download(), ref_dx, scale, kSoftmaxTolerance)};
                     }});

    cases.push_back({"log_softmax_forward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("log_softmax_forward", p.name));
                       const auto x = rng.uniform_vector(n, -p.logit_range, p.logit_range);
                       BackendArray<float> dx(b, x), dy(b, n);
                       b.log_softmax_forward(s, dx.data(), dy.data());
                       std::vector<double> ref_y(static_cast<size_t>(n));
                       std::vector<float> scale(static_cast<size_t>(n));
                       const auto xd = to_double(x);
                       ref::log_softmax_forward<double>(s, xd.data(), ref_y.data());
                       // y_j = x_j - max - lse: scale |x_j| + |max| + lse
                       const RowStats st = row_stats(s, x);
                       for (int64_t i = 0; i < n; ++i) {
                         const size_t row = size_t(i / s.cols);
                         scale[size_t(i)] =
                             std::fabs(xd[size_t(i)]) + std::fabs(st.max[row]) + st.lse[row];
                       }
                       return std::vector<Comparison>{
                           compare_scaled("y", dy.download(), ref_y, scale, kSoftmaxTolerance)};
                     }});

    cases.push_back({"log_softmax_backward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("log_softmax_backward", p.name));
                       const auto xd =
                           to_double(rng.uniform_vector(n, -p.logit_range, p.logit_range));
                       std::vector<double> y_exact(static_cast<size_t>(n));
                       ref::log_softmax_forward<double>(s, xd.data(), y_exact.data());
                       const auto y = to_float(y_exact);
                       const auto dy = rng.uniform_vector(n);
                       BackendArray<float> dyv(b, y), ddy(b, dy), ddx(b, n);
                       b.log_softmax_backward(s, dyv.data(), ddy.data(), ddx.data());
                       const auto yd = to_double(y), dyd = to_double(dy);
                       std::vector<double> ref_dx(static_cast<size_t>(n));
                       std::vector<float> scale(static_cast<size_t>(n));
                       ref::log_softmax_backward<double>(s, yd.data(), dyd.data(), ref_dx.data());
                       // dx_j = dy_j - exp(y_j) sum_k dy_k: scale |dy_j| + exp(y_j) sum_k |dy_k|
                       for (int i = 0; i < s.rows; ++i) {
                         const size_t row = size_t(i) * size_t(s.cols);
                         double sum = 0.0;
                         for (int j = 0; j < s.cols; ++j) sum += std::fabs(dyd[row + j]);
                         for (int j = 0; j < s.cols; ++j)
                           scale[row + j] = std::fabs(dyd[row + j]) + std::exp(yd[row + j]) * sum;
                       }
                       return std::vector<Comparison>{
                           compare_scaled("dx", ddx.download(), ref_dx, scale, kSoftmaxTolerance)};
                     }});
  }
  return cases;
}

std::vector<OpCase> cross_entropy_cases() {
  std::vector<OpCase> cases;
  for (const SoftmaxProblem& p : softmax_problems()) {
    const SoftmaxShape s = p.shape;
    const int64_t n = int64_t(s.rows) * s.cols;

    cases.push_back({"cross_entropy_forward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("cross_entropy_forward", p.name));
                       const auto x = rng.uniform_vector(n, -p.logit_range, p.logit_range);
                       const auto labels = random_labels(rng, s);
                       BackendArray<float> dx(b, x), dprobs(b, n), dloss(b, 1);
                       BackendArray<int32_t> dlabels(b, labels);
                       b.cross_entropy_forward(s, dx.data(), dlabels.data(), dprobs.data(),
                                               dloss.data());
                       std::vector<double> ref_probs(static_cast<size_t>(n)), ref_loss(1);
                       const auto xd = to_double(x);
                       ref::cross_entropy_forward<double>(s, xd.data(), labels.data(),
                                                          ref_probs.data(), ref_loss.data());
                       // loss = mean_i (max_i + lse_i - x_i[label]): scale mean of |terms|
                       const RowStats st = row_stats(s, x);
                       double loss_scale = 0.0;
                       for (int i = 0; i < s.rows; ++i)
                         loss_scale += (std::fabs(st.max[size_t(i)]) + st.lse[size_t(i)] +
                                        std::fabs(xd[size_t(i) * s.cols + labels[size_t(i)]])) /
                                       s.rows;
                       return std::vector<Comparison>{
                           compare_row_normwise("probs", dprobs.download(), ref_probs, s.cols,
                                                kSoftmaxTolerance),
                           compare_scaled("loss", dloss.download(), ref_loss, {float(loss_scale)},
                                          kSoftmaxTolerance)};
                     }});

    cases.push_back({"cross_entropy_backward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("cross_entropy_backward", p.name));
                       const auto xd =
                           to_double(rng.uniform_vector(n, -p.logit_range, p.logit_range));
                       const auto labels = random_labels(rng, s);
                       std::vector<double> probs_exact(static_cast<size_t>(n)), loss_unused(1);
                       ref::cross_entropy_forward<double>(s, xd.data(), labels.data(),
                                                          probs_exact.data(), loss_unused.data());
                       const auto probs = to_float(probs_exact);
                       const std::vector<float> dloss{rng.uniform(0.5f, 2.f)};
                       BackendArray<float> dprobs(b, probs), ddloss(b, dloss), ddlogits(b, n);
                       BackendArray<int32_t> dlabels(b, labels);
                       b.cross_entropy_backward(s, dprobs.data(), dlabels.data(), ddloss.data(),
                                                ddlogits.data());
                       const auto pd = to_double(probs), dld = to_double(dloss);
                       std::vector<double> ref_dlogits(static_cast<size_t>(n));
                       std::vector<float> scale(static_cast<size_t>(n));
                       ref::cross_entropy_backward<double>(s, pd.data(), labels.data(), dld.data(),
                                                           ref_dlogits.data());
                       // (p - onehot) * dloss / rows: scale (p + onehot) * |dloss| / rows
                       for (int64_t i = 0; i < n; ++i) {
                         const bool hot = labels[size_t(i / s.cols)] == i % s.cols;
                         scale[size_t(i)] = (pd[size_t(i)] + (hot ? 1.0 : 0.0)) * dld[0] / s.rows;
                       }
                       return std::vector<Comparison>{compare_scaled(
                           "dlogits", ddlogits.download(), ref_dlogits, scale, kSoftmaxTolerance)};
                     }});
  }

  // A label outside [0, cols) makes the loss NaN (the contract); probs are still softmax(x).
  for (const auto& [name, bad_label] :
       {std::pair<std::string, int32_t>{"label == cols", 5}, {"label < 0", -1}}) {
    cases.push_back({"cross_entropy_forward", "invalid label (" + name + "): 3x5", false,
                     [bad_label = bad_label](Backend& b) {
                       SoftmaxShape s;
                       s.rows = 3, s.cols = 5;
                       Rng rng(seed_of("cross_entropy_forward", "invalid label"));
                       const auto x = rng.uniform_vector(15);
                       const std::vector<int32_t> labels{0, bad_label, 4};
                       BackendArray<float> dx(b, x), dprobs(b, 15), dloss(b, 1);
                       BackendArray<int32_t> dlabels(b, labels);
                       b.cross_entropy_forward(s, dx.data(), dlabels.data(), dprobs.data(),
                                               dloss.data());
                       std::vector<double> ref_probs(15), ref_loss(1);
                       const auto xd = to_double(x);
                       ref::cross_entropy_forward<double>(s, xd.data(), labels.data(),
                                                          ref_probs.data(), ref_loss.data());
                       return std::vector<Comparison>{
                           compare_row_normwise("probs", dprobs.download(), ref_probs, s.cols,
                                                kSoftmaxTolerance),
                           compare_exact("loss (NaN)", dloss.download(), ref_loss)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
