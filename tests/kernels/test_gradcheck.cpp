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

TEST_CASE("gradcheck conv2d grouped and depthwise: data, weight and bias", "[gradcheck][conv2d]") {
  const std::string op = "conv2d";
  const auto with_groups = [](Conv2dShape s, int groups) {
    s.groups = groups;
    return s;
  };
  for (const Conv2dShape& s : {with_groups(conv(2, 4, 5, 6, 6, 3, 2, 1, 1, 1, 1), 2),
                               with_groups(conv(1, 6, 6, 5, 3, 1, 1, 1, 1, 0, 0), 3),
                               with_groups(conv(2, 3, 6, 7, 3, 3, 3, 1, 1, 1, 1), 3),
                               with_groups(conv(1, 2, 7, 6, 4, 3, 3, 2, 1, 1, 0), 2)}) {
    INFO(describe(s));
    Rng rng(seed_of("gradcheck conv2d grouped", describe(s)));
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

TEST_CASE("gradcheck max_pool2d with extra end padding (TF 'same')", "[gradcheck][max_pool2d]") {
  const auto pool = [](int H, int W, int k, int stride, int pad, int extra_h, int extra_w) {
    kernels::MaxPool2dShape s;
    s.N = 2, s.C = 2, s.H = H, s.W = W, s.kernel_h = s.kernel_w = k;
    s.stride_h = s.stride_w = stride, s.pad_h = s.pad_w = pad;
    s.extra_pad_h_end = extra_h, s.extra_pad_w_end = extra_w;
    return s;
  };
  for (const kernels::MaxPool2dShape& s :
       {pool(7, 7, 2, 2, 0, 1, 1), pool(5, 6, 2, 1, 0, 1, 1), pool(8, 7, 3, 2, 1, 1, 0)}) {
    INFO(describe(s));
    Rng rng(seed_of("gradcheck max_pool2d same", describe(s)));
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
    const auto changes_winner = [&](int64_t) {
      ref::max_pool2d_forward<double>(s, x.data(), y.data(), argmax.data());
      return argmax != argmax0;
    };
    require_good(check_gradient(x, objective, dx, changes_winner), "max_pool2d dx " + describe(s));
  }
}

TEST_CASE("gradcheck avg_pool2d (both divisor rules, global)", "[gradcheck][avg_pool2d]") {
  const auto pool = [](int H, int W, int k, int stride, int pad, bool include_pad) {
    kernels::AvgPool2dShape s;
    s.N = 2, s.C = 2, s.H = H, s.W = W, s.kernel_h = s.kernel_w = k;
    s.stride_h = s.stride_w = stride, s.pad_h = s.pad_w = pad;
    s.count_include_pad = include_pad;
    return s;
  };
  for (const kernels::AvgPool2dShape& s :
       {pool(6, 6, 2, 2, 0, true), pool(7, 5, 3, 2, 1, true), pool(7, 5, 3, 2, 1, false),
        pool(5, 6, 2, 1, 1, false), pool(5, 5, 5, 1, 0, true)}) {
    INFO(describe(s));
    Rng rng(seed_of("gradcheck avg_pool2d", describe(s)));
    auto x = random_doubles(rng, s.input_size());
    const auto c = random_doubles(rng, s.output_size());
    std::vector<double> y(c.size()), dx(x.size());
    ref::avg_pool2d_backward<double>(s, c.data(), dx.data());
    require_good(check_gradient(
                     x,
                     [&] {
                       ref::avg_pool2d_forward<double>(s, x.data(), y.data());
                       return weighted_sum(c, y);
                     },
                     dx),
                 "avg_pool2d dx " + describe(s));
  }
}

TEST_CASE("gradcheck batch_norm2d training and eval: x, gamma, beta",
          "[gradcheck][batch_norm2d]") {
  const auto bn = [](int N, int C, int H, int W) {
    kernels::BatchNorm2dShape s;
    s.N = N, s.C = C, s.H = H, s.W = W;
    return s;
  };
  const double eps = 1e-5;
  for (const kernels::BatchNorm2dShape& s : {bn(2, 3, 3, 4), bn(4, 2, 1, 1), bn(1, 2, 5, 3)}) {
    INFO(describe(s));
    Rng rng(seed_of("gradcheck batch_norm2d", describe(s)));
    auto x = random_doubles(rng, s.input_size(), -2, 3);
    auto gamma = random_doubles(rng, s.C, -1.5, 1.5), beta = random_doubles(rng, s.C);
    const auto running_mean = random_doubles(rng, s.C);
    const auto running_var = random_doubles(rng, s.C, 0.5, 2.0);
    const auto c = random_doubles(rng, s.input_size());
    std::vector<double> y(x.size()), mean(size_t(s.C)), invstd(size_t(s.C));
    std::vector<double> dx(x.size()), dgamma(size_t(s.C)), dbeta(size_t(s.C));
    double* no_running = nullptr;

    // Training: the batch statistics depend on x, so dx has the terms through mean and var.
    const auto training = [&] {
      ref::batch_norm2d_forward_training<double>(s, x.data(), gamma.data(), beta.data(), eps, 0.1,
                                                 y.data(), mean.data(), invstd.data(), no_running,
                                                 no_running);
      return weighted_sum(c, y);
    };
    training();
    ref::batch_norm2d_backward_training<double>(s, x.data(), c.data(), gamma.data(), mean.data(),
                                                invstd.data(), dx.data(), dgamma.data(),
                                                dbeta.data());
    require_good(check_gradient(x, training, dx), "batch_norm2d train dx " + describe(s));
    require_good(check_gradient(gamma, training, dgamma),
                 "batch_norm2d train dgamma " + describe(s));
    require_good(check_gradient(beta, training, dbeta), "batch_norm2d train dbeta " + describe(s));

    // Eval: running statistics are constants.
    const auto eval = [&] {
      ref::batch_norm2d_forward_inference<double>(s, x.data(), gamma.data(), beta.data(),
                                                  running_mean.data(), running_var.data(), eps,
                                                  y.data());
      return weighted_sum(c, y);
    };
    ref::batch_norm2d_backward_inference<double>(s, x.data(), c.data(), gamma.data(),
                                                 running_mean.data(), running_var.data(), eps,
                                                 dx.data(), dgamma.data(), dbeta.data());
    require_good(check_gradient(x, eval, dx), "batch_norm2d eval dx " + describe(s));
    require_good(check_gradient(gamma, eval, dgamma), "batch_norm2d eval dgamma " + describe(s));
    require_good(check_gradient(beta, eval, dbeta), "batch_norm2d eval dbeta " + describe(s));
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

TEST_CASE("gradcheck leaky_relu (skipping the kink)", "[gradcheck][leaky_relu]") {
  Rng rng(seed_of("gradcheck leaky_relu", ""));
  auto x = random_doubles(rng, 300);
  for (size_t i = 0; i < x.size(); i += 50) x[i] = (i % 100 == 0 ? 0.3 : -0.6) * kGradStep;
  const auto x0 = x;
  const auto c = random_doubles(rng, 300);
  const double slope = 0.1;
  std::vector<double> y(x.size()), dx(x.size());
  const auto objective = [&] {
    ref::leaky_relu_forward<double>(int64_t(x.size()), slope, x.data(), y.data());
    return weighted_sum(c, y);
  };
  ref::leaky_relu_backward<double>(int64_t(x.size()), slope, x.data(), c.data(), dx.data());
  const auto crosses_kink = [&](int64_t i) { return (x[size_t(i)] > 0) != (x0[size_t(i)] > 0); };
  const GradcheckResult r = check_gradient(x, objective, dx, crosses_kink);
  require_good(r, "leaky_relu dx n=300 slope 0.1");
  CHECK(r.skipped == 6);  // exactly the planted near-kink inputs
}

TEST_CASE("gradcheck clamp (skipping the bounds)", "[gradcheck][clamp]") {
  Rng rng(seed_of("gradcheck clamp", ""));
  const double lo = -0.5, hi = 0.5;
  auto x = random_doubles(rng, 300);
  for (size_t i = 0; i < x.size(); i += 50) x[i] = (i % 100 == 0 ? lo : hi) + 0.4 * kGradStep;
  const auto x0 = x;
  const auto c = random_doubles(rng, 300);
  std::vector<double> y(x.size()), dx(x.size());
  const auto objective = [&] {
    ref::clamp_forward<double>(int64_t(x.size()), lo, hi, x.data(), y.data());
    return weighted_sum(c, y);
  };
  ref::clamp_backward<double>(int64_t(x.size()), lo, hi, x.data(), c.data(), dx.data());
  const auto region = [&](double v) { return v <= lo ? 0 : v >= hi ? 2 : 1; };
  const auto crosses_bound = [&](int64_t i) {
    return region(x[size_t(i)]) != region(x0[size_t(i)]);
  };
  const GradcheckResult r = check_gradient(x, objective, dx, crosses_bound);
  require_good(r, "clamp dx n=300 [-0.5, 0.5]");
  CHECK(r.skipped == 6);
}

TEST_CASE("gradcheck sigmoid (backward from the output)", "[gradcheck][sigmoid]") {
  Rng rng(seed_of("gradcheck sigmoid", ""));
  auto x = random_doubles(rng, 200, -6, 6);
  x[0] = 30, x[1] = -30, x[2] = 0;
  const auto c = random_doubles(rng, 200);
  std::vector<double> y(x.size()), dx(x.size());
  ref::sigmoid_forward<double>(int64_t(x.size()), x.data(), y.data());
  ref::sigmoid_backward<double>(int64_t(x.size()), y.data(), c.data(), dx.data());
  require_good(check_gradient(
                   x,
                   [&] {
                     ref::sigmoid_forward<double>(int64_t(x.size()), x.data(), y.data());
                     return weighted_sum(c, y);
                   },
                   dx),
               "sigmoid dx n=200");
}

TEST_CASE("gradcheck bce_with_logits: none, sum and mean, with and without weights",
          "[gradcheck][bce_with_logits]") {
  const int64_t n = 120;
  for (const bool weighted : {false, true}) {
    Rng rng(seed_of("gradcheck bce_with_logits", weighted ? "weighted" : ""));
    auto x = random_doubles(rng, n, -8, 8);
    x[0] = 40, x[1] = -40, x[2] = 0;
    const auto t = random_doubles(rng, n, 0, 1);
    const auto w = random_doubles(rng, n, 0, 2);
    const double* wp = weighted ? w.data() : nullptr;
    std::vector<double> loss(x.size()), dx(x.size());
    // none: upstream gradient c per element.
    const auto c = random_doubles(rng, n);
    ref::bce_with_logits_backward<double>(n, x.data(), t.data(), wp, c.data(), true, 1.0,
                                          dx.data());
    require_good(check_gradient(
                     x,
                     [&] {
                       ref::bce_with_logits_forward<double>(n, x.data(), t.data(), wp,
                                                            loss.data());
                       return weighted_sum(c, loss);
                     },
                     dx),
                 std::string("bce_with_logits none") + (weighted ? " weighted" : ""));
    // sum and mean: one upstream gradient g for sum_i loss_i (scale 1) or its mean (scale 1/n).
    const double g = -1.3;
    for (const double scale : {1.0, 1.0 / double(n)}) {
      ref::bce_with_logits_backward<double>(n, x.data(), t.data(), wp, &g, false, scale,
                                            dx.data());
      require_good(check_gradient(
                       x,
                       [&] {
                         ref::bce_with_logits_forward<double>(n, x.data(), t.data(), wp,
                                                              loss.data());
                         double total = 0.0;
                         for (double l : loss) total += l;
                         return g * scale * total;
                       },
                       dx),
                   std::string("bce_with_logits ") + (scale == 1.0 ? "sum" : "mean") +
                       (weighted ? " weighted" : ""));
    }
  }
}

TEST_CASE("gradcheck upsample_nearest2d", "[gradcheck][upsample]") {
  const auto up = [](int N, int C, int H, int W, int scale) {
    kernels::UpsampleShape s;
    s.N = N, s.C = C, s.H = H, s.W = W, s.scale = scale;
    return s;
  };
  for (const kernels::UpsampleShape& s : {up(2, 2, 3, 4, 2), up(1, 3, 2, 5, 3), up(1, 1, 3, 3, 1)}) {
    const std::string what = "upsample_nearest2d dx " + std::to_string(s.H) + "x" +
                             std::to_string(s.W) + " x" + std::to_string(s.scale);
    Rng rng(seed_of("gradcheck upsample", what));
    auto x = random_doubles(rng, s.input_size());
    const auto c = random_doubles(rng, s.output_size());
    std::vector<double> y(c.size()), dx(x.size());
    ref::upsample_nearest2d_backward<double>(s, c.data(), dx.data());
    require_good(check_gradient(
                     x,
                     [&] {
                       ref::upsample_nearest2d_forward<double>(s, x.data(), y.data());
                       return weighted_sum(c, y);
                     },
                     dx),
                 what);
  }
}

// concat's backward is copy_2d the other way round: d(sum c*dst)/d src is c's block copied back
// into the source layout (zero in the source's columns beyond the block).
TEST_CASE("gradcheck copy_2d (concat's backward rule)", "[gradcheck][copy_2d]") {
  const int64_t rows = 3, cols = 5, src_ld = 7, dst_ld = 11;
  Rng rng(seed_of("gradcheck copy_2d", ""));
  auto src = random_doubles(rng, rows * src_ld);
  const auto c = random_doubles(rng, rows * dst_ld);
  std::vector<double> dst(c.size(), 0.0), dsrc(src.size(), 0.0);
  ref::copy_2d<double>(rows, cols, c.data(), dst_ld, dsrc.data(), src_ld);
  require_good(check_gradient(
                   src,
                   [&] {
                     ref::copy_2d<double>(rows, cols, src.data(), src_ld, dst.data(), dst_ld);
                     return weighted_sum(c, dst);
                   },
                   dsrc),
               "copy_2d dsrc 3x5 ld 7->11");
}

}  // namespace cnn::test
