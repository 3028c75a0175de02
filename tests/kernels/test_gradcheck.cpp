// Finite-difference checks of every backward reference kernel against its forward, entirely in
// double through kernels/reference/generic.h. Since the fast backends are tested against these
// backward kernels, this is what ties every backward pass to the calculus.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "kernels/reference/generic.h"
#include "tests/kernels/gradcheck.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {
namespace {

namespace ref = kernels::reference::generic;
using kernels::Conv2dShape;
using kernels::LinearShape;
using kernels::MaxPool2dShape;
using kernels::SoftmaxShape;

std::vector<double> random_doubles(Rng& rng, int64_t n, double lo = -1.0, double hi = 1.0) {
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = lo + (hi - lo) * double(rng.next() >> 11) * 0x1p-53;
  return v;
}

// Prints one line per check (so a passing run shows what was checked and how closely) and
// requires that something was checked and nothing failed.
void require_good(const GradcheckResult& r, const std::string& what) {
  std::printf("[gradcheck] %-40s %s\n", what.c_str(), r.describe().c_str());
  INFO(what << ": " << r.describe());
  CHECK(r.checked > 0);
  CHECK(r.failed == 0);
}

Conv2dShape conv(int N, int C, int H, int W, int K, int R, int S, int sh, int sw, int ph, int pw) {
  Conv2dShape s;
  s.N = N, s.C = C, s.H = H, s.W = W, s.K = K, s.R = R, s.S = S;
  s.stride_h = sh, s.stride_w = sw, s.pad_h = ph, s.pad_w = pw;
  return s;
}

}  // namespace

TEST_CASE("gradcheck conv2d: data, weight and bias", "[gradcheck][conv2d]") {
  const std::string op = "conv2d";
  for (const Conv2dShape& s :
       {conv(2, 3, 5, 6, 4, 3, 2, 1, 1, 1, 1), conv(1, 2, 7, 7, 3, 3, 3, 2, 2, 1, 1),
        conv(1, 1, 6, 5, 2, 2, 3, 3, 2, 0, 2)}) {
    INFO(describe(s));
    Rng rng(seed_of("gradcheck conv2d", describe(s)));
    auto x = random_doubles(rng, s.input_size()), w = random_doubles(rng, s.weight_size()),
         b = random_doubles(rng, s.K);
    const auto c = random_doubles(rng, s.output_size());
    std::vector<double> y(static_cast<size_t>(s.output_size()));
    const auto objective = [&] {
      ref::conv2d_forward<double>(s, x.data(), w.data(), b.data(), y.data());
      return weighted_sum(c, y);
    };
    std::vector<double> dx(x.size()), dw(w.size()), db(b.size());
    ref::conv2d_backward_data<double>(s, c.data(), w.data(), dx.data());
    ref::conv2d_backward_weight<double>(s, x.data(), c.data(), dw.data());
    ref::conv2d_backward_bias<double>(s, c.data(), db.data());
    require_good(check_gradient(x, objective, dx), op + " dx " + describe(s));
    require_good(check_gradient(w, objective, dw), op + " dw " + describe(s));
    require_good(check_gradient(b, objective, db), op + " db " + describe(s));
  }
}

TEST_CASE("gradcheck linear: data, weight and bias", "[gradcheck][linear]") {
  const std::string op = "linear";
  for (const auto& [M, N, K] : {std::tuple{3, 4, 5}, std::tuple{1, 7, 3}, std::tuple{2, 2, 33}}) {
    LinearShape s;
    s.M = M, s.N = N, s.K = K;
    INFO(describe(s));
    Rng rng(seed_of("gradcheck linear", describe(s)));
    auto x = random_doubles(rng, int64_t(M) * K), w = random_doubles(rng, int64_t(N) * K),
         b = random_doubles(rng, N);
    const auto c = random_doubles(rng, int64_t(M) * N);
    std::vector<double> y(c.size());
    const auto objective = [&] {
      ref::linear_forward<double>(s, x.data(), w.data(), b.data(), y.data());
      return weighted_sum(c, y);
    };
    std::vector<double> dx(x.size()), dw(w.size()), db(b.size());
    ref::linear_backward_data<double>(s, c.data(), w.data(), dx.data());
    ref::linear_backward_weight<double>(s, c.data(), x.data(), dw.data());
    ref::linear_backward_bias<double>(s, c.data(), db.data());
    require_good(check_gradient(x, objective, dx), op + " dx " + describe(s));
    require_good(check_gradient(w, objective, dw), op + " dw " + describe(s));
    require_good(check_gradient(b, objective, db), op + " db " + describe(s));
  }
}

TEST_CASE("gradcheck relu (skipping the kink)", "[gradcheck][relu]") {
  Rng rng(seed_of("gradcheck relu", ""));
  auto x = random_doubles(rng, 300);
  // A few inputs closer to 0 than the step: the derivative does not exist there.
  for (size_t i = 0; i < x.size(); i += 50) x[i] = (i % 100 == 0 ? 0.3 : -0.6) * kGradStep;
  const auto x0 = x;
  const auto c = random_doubles(rng, 300);
  std::vector<double> y(x.size()), dx(x.size());
  const auto objective = [&] {
    ref::relu_forward<double>(int64_t(x.size()), x.data(), y.data());
    return weighted_sum(c, y);
  };
  ref::relu_backward<double>(int64_t(x.size()), x.data(), c.data(), dx.data());
  const auto crosses_kink = [&](int64_t i) { return (x[size_t(i)] > 0) != (x0[size_t(i)] > 0); };
  const GradcheckResult r = check_gradient(x, objective, dx, crosses_kink);
  require_good(r, "relu dx n=300");
  CHECK(r.skipped == 6);  // exactly the planted near-kink inputs
}

TEST_CASE("gradcheck max_pool2d (skipping near-ties)", "[gradcheck][max_pool2d]") {
  const auto pool = [](int H, int W, int k, int stride, int pad, int dilation) {
    MaxPool2dShape s;
    s.N = 2, s.C = 2, s.H = H, s.W = W, s.kernel_h = s.kernel_w = k;
    s.stride_h = s.stride_w = stride, s.pad_h = s.pad_w = pad;
    s.dilation_h = s.dilation_w = dilation;
    return s;
  };
  for (const MaxPool2dShape& s : {pool(6, 6, 2, 2, 0, 1), pool(7, 5, 3, 2, 1, 1),
                                  pool(5, 6, 2, 1, 0, 1), pool(9, 9, 3, 1, 1, 2)}) {
    INFO(describe(s));
    Rng rng(seed_of("gradcheck max_pool2d", describe(s)));
    auto x = random_doubles(rng, s.input_size());
    const auto c = random_doubles(rng, s.output_size());
    std::vector<double> y(c.size());
    std::vector<int32_t> argmax(c.size()), argmax0(c.size());
    ref::max_pool2d_forward<double>(s, x.data(), y.data(), argmax0.data());
    const auto objective = [&] {
      ref::max_pool2d_forward<double>(s, x.data(), y.data(), argmax.data());
      return weighted_sum(c, y);
    };
    std::vector<double> dx(x.size());
    ref::max_pool2d_backward<double>(s, c.data(), argmax0.data(), dx.data());
    // A nudge that changes some window's winner means x sits within step of a tie.
    const auto changes_winner = [&](int64_t) {
      ref::max_pool2d_forward<double>(s, x.data(), y.data(), argmax.data());
      return argmax != argmax0;
    };
    require_good(check_gradient(x, objective, dx, changes_winner), "max_pool2d dx " + describe(s));
  }
}

TEST_CASE("gradcheck softmax and log_softmax", "[gradcheck][softmax]") {
  for (const auto& [rows, cols] : {std::pair{3, 5}, std::pair{1, 1}, std::pair{2, 17}}) {
    SoftmaxShape s;
    s.rows = rows, s.cols = cols;
    INFO(describe(s));
    Rng rng(seed_of("gradcheck softmax", describe(s)));
    auto x = random_doubles(rng, int64_t(rows) * cols, -3, 3);
    const auto c = random_doubles(rng, int64_t(rows) * cols);
    std::vector<double> y(x.size()), dx(x.size());

    ref::softmax_forward<double>(s, x.data(), y.data());
    ref::softmax_backward<double>(s, y.data(), c.data(), dx.data());
    require_good(check_gradient(
                     x,
                     [&] {
                       ref::softmax_forward<double>(s, x.data(), y.data());
                       return weighted_sum(c, y);
                     },
                     dx),
                 "softmax dx " + describe(s));

    ref::log_softmax_forward<double>(s, x.data(), y.data());
    ref::log_softmax_backward<double>(s, y.data(), c.data(), dx.data());
    require_good(check_gradient(
                     x,
                     [&] {
                       ref::log_softmax_forward<double>(s, x.data(), y.data());
                       return weighted_sum(c, y);
                     },
                     dx),
                 "log_softmax dx " + describe(s));
  }
}

TEST_CASE("gradcheck cross_entropy", "[gradcheck][cross_entropy]") {
  for (const auto& [rows, cols] : {std::pair{4, 3}, std::pair{1, 2}, std::pair{2, 10}}) {
    SoftmaxShape s;
    s.rows = rows, s.cols = cols;
    INFO(describe(s));
    Rng rng(seed_of("gradcheck cross_entropy", describe(s)));
    auto x = random_doubles(rng, int64_t(rows) * cols, -3, 3);
    std::vector<int32_t> labels(static_cast<size_t>(rows));
    for (auto& l : labels) l = rng.uniform_int(0, cols - 1);
    const double dloss = 1.7;
    std::vector<double> probs(x.size()), dx(x.size());
    double loss = 0.0;
    ref::cross_entropy_forward<double>(s, x.data(), labels.data(), probs.data(), &loss);
    ref::cross_entropy_backward<double>(s, probs.data(), labels.data(), &dloss, dx.data());
    require_good(check_gradient(
                     x,
                     [&] {
                       ref::cross_entropy_forward<double>(s, x.data(), labels.data(), probs.data(),
                                                          &loss);
                       return dloss * loss;
                     },
                     dx),
                 "cross_entropy dlogits " + describe(s));
  }
}

}  // namespace cnn::test
