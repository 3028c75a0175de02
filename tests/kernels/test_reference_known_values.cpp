// Known-value tests of the reference kernels through their public float API (ops.h): small
// problems worked out by hand, so the specification the other backends are held to is itself
// pinned down independently of any implementation.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/random_hash.h"
#include "kernels/reference/ops.h"

namespace ref = cnn::kernels::reference;
using Catch::Matchers::Equals;
using cnn::kernels::Conv2dShape;
using cnn::kernels::LinearShape;
using cnn::kernels::MaxPool2dShape;
using cnn::kernels::SoftmaxShape;

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();
// Exact values a correct float computation reproduces to the last bit.
std::vector<float> out(size_t n) {
  return std::vector<float>(n, kNaN);
}
// 3x3 input holding 1..9 row-major.
const std::vector<float> kOneToNine{1, 2, 3, 4, 5, 6, 7, 8, 9};

Conv2dShape conv_3x3_input(int R, int S, int stride, int pad) {
  Conv2dShape s;
  s.H = s.W = 3, s.R = R, s.S = S, s.stride_h = s.stride_w = stride, s.pad_h = s.pad_w = pad;
  return s;
}
}  // namespace

TEST_CASE("reference conv2d: hand-computed 2x2 box filter", "[reference][conv2d]") {
  const std::vector<float> ones(4, 1.f), bias{1.f};
  SECTION("stride 1, no padding, with bias") {
    const auto s = conv_3x3_input(2, 2, 1, 0);
    auto y = out(4);
    ref::conv2d_forward(s, kOneToNine.data(), ones.data(), bias.data(), y.data());
    CHECK_THAT(y, Equals(std::vector<float>{13, 17, 25, 29}));
  }
  SECTION("stride 2, padding 1 (windows hang over the border)") {
    const auto s = conv_3x3_input(2, 2, 2, 1);
    auto y = out(4);
    ref::conv2d_forward(s, kOneToNine.data(), ones.data(), nullptr, y.data());
    CHECK_THAT(y, Equals(std::vector<float>{1, 5, 11, 28}));
  }
  SECTION("backward data counts the windows covering each input") {
    const auto s = conv_3x3_input(2, 2, 1, 0);
    auto dx = out(9);
    ref::conv2d_backward_data(s, ones.data(), ones.data(), dx.data());
    CHECK_THAT(dx, Equals(std::vector<float>{1, 2, 1, 2, 4, 2, 1, 2, 1}));
  }
  SECTION("backward weight sums the input under each tap") {
    const auto s = conv_3x3_input(2, 2, 1, 0);
    auto dw = out(4);
    ref::conv2d_backward_weight(s, kOneToNine.data(), ones.data(), dw.data());
    CHECK_THAT(dw, Equals(std::vector<float>{12, 16, 24, 28}));
  }
  SECTION("backward bias sums dy per filter") {
    Conv2dShape s = conv_3x3_input(2, 2, 1, 0);
    s.N = 2, s.K = 2;  // dy [2,2,2,2]
    std::vector<float> dy(16);
    for (int i = 0; i < 16; ++i) dy[size_t(i)] = float(i);
    auto db = out(2);
    ref::conv2d_backward_bias(s, dy.data(), db.data());
    // filter 0: 0+1+2+3 + 8+9+10+11 = 44; filter 1: 4+5+6+7 + 12+13+14+15 = 76
    CHECK_THAT(db, Equals(std::vector<float>{44, 76}));
  }
}

TEST_CASE("reference linear: hand-computed 2x2 -> 3", "[reference][linear]") {
  LinearShape s;
  s.M = 2, s.K = 2, s.N = 3;
  const std::vector<float> x{1, 2, 3, 4}, w{1, 0, 0, 1, 1, 1}, bias{0.5f, -1, 0};
  auto y = out(6);
  ref::linear_forward(s, x.data(), w.data(), bias.data(), y.data());
  CHECK_THAT(y, Equals(std::vector<float>{1.5f, 1, 3, 3.5f, 3, 7}));
  const std::vector<float> dy{1, 2, 3, 4, 5, 6};
  auto dx = out(4), dw = out(6), db = out(3);
  ref::linear_backward_data(s, dy.data(), w.data(), dx.data());
  CHECK_THAT(dx, Equals(std::vector<float>{4, 5, 10, 11}));  // dy w
  ref::linear_backward_weight(s, dy.data(), x.data(), dw.data());
  CHECK_THAT(dw, Equals(std::vector<float>{13, 18, 17, 24, 21, 30}));  // dy^T x
  ref::linear_backward_bias(s, dy.data(), db.data());
  CHECK_THAT(db, Equals(std::vector<float>{5, 7, 9}));
}

TEST_CASE("reference relu: values and the kink at zero", "[reference][relu]") {
  const std::vector<float> x{-1.f, 0.f, -0.f, 2.5f}, dy{5, 5, 5, 5};
  auto y = out(4), dx = out(4);
  ref::relu_forward(4, x.data(), y.data());
  CHECK_THAT(y, Equals(std::vector<float>{0, 0, 0, 2.5f}));
  ref::relu_backward(4, x.data(), dy.data(), dx.data());
  CHECK_THAT(dx, Equals(std::vector<float>{0, 0, 0, 5}));
}

TEST_CASE("reference max_pool2d: values, argmax, ties, padding", "[reference][max_pool2d]") {
  SECTION("2x2 stride 2 on 4x4, backward scatters through argmax") {
    MaxPool2dShape s;
    s.H = s.W = 4;
    const std::vector<float> x{1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 9, 9, 7, 0, 9, 1};
    auto y = out(4);
    std::vector<int32_t> argmax(4, -7);
    ref::max_pool2d_forward(s, x.data(), y.data(), argmax.data());
    CHECK_THAT(y, Equals(std::vector<float>{5, 8, 7, 9}));
    CHECK_THAT(argmax, Equals(std::vector<int32_t>{1, 6, 12, 10}));  // tie of 9s: first wins
    const std::vector<float> dy{1, 2, 3, 4};
    auto dx = out(16);
    ref::max_pool2d_backward(s, dy.data(), argmax.data(), dx.data());
    CHECK_THAT(dx, Equals(std::vector<float>{0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 3, 0, 0, 0}));
  }
  SECTION("padding is -inf, overlapping windows accumulate") {
    MaxPool2dShape s;  // 1x3 input, kernel 1x3, stride 1, pad 1: windows [-1..1], [0..2], [1..3]
    s.H = 1, s.W = 3, s.kernel_h = 1, s.kernel_w = 3, s.stride_h = s.stride_w = 1, s.pad_w = 1;
    const std::vector<float> x{-3, -1, -2};
    auto y = out(3);
    std::vector<int32_t> argmax(3, -7);
    ref::max_pool2d_forward(s, x.data(), y.data(), argmax.data());
    CHECK_THAT(y, Equals(std::vector<float>{-1, -1, -1}));
    CHECK_THAT(argmax, Equals(std::vector<int32_t>{1, 1, 1}));
    const std::vector<float> dy{1, 2, 4};
    auto dx = out(3);
    ref::max_pool2d_backward(s, dy.data(), argmax.data(), dx.data());
    CHECK_THAT(dx, Equals(std::vector<float>{0, 7, 0}));
  }
  SECTION("dilation 2 skips the neighbours") {
    MaxPool2dShape s;  // 1x5 input, kernel 1x2 dilation 2 stride 1: windows {0,2},{1,3},{2,4}
    s.H = 1, s.W = 5, s.kernel_h = 1, s.kernel_w = 2, s.stride_h = s.stride_w = 1;
    s.dilation_w = 2;
    const std::vector<float> x{0, 9, 1, 0, 2};
    auto y = out(3);
    std::vector<int32_t> argmax(3, -7);
    ref::max_pool2d_forward(s, x.data(), y.data(), argmax.data());
    CHECK_THAT(y, Equals(std::vector<float>{1, 9, 2}));
    CHECK_THAT(argmax, Equals(std::vector<int32_t>{2, 1, 4}));
  }
}

TEST_CASE("reference max_pool2d: extra end padding (TF 'same')", "[reference][max_pool2d]") {
  cnn::kernels::MaxPool2dShape s;  // 3x3 input 1..9, one extra -inf row and column at the end
  s.H = s.W = 3, s.extra_pad_h_end = s.extra_pad_w_end = 1;
  SECTION("2x2 stride 2: 3 -> 2 (ceil), the last windows are clipped") {
    REQUIRE(s.P() == 2);
    REQUIRE(s.Q() == 2);
    auto y = out(4);
    std::vector<int32_t> argmax(4, -7);
    ref::max_pool2d_forward(s, kOneToNine.data(), y.data(), argmax.data());
    CHECK_THAT(y, Equals(std::vector<float>{5, 6, 8, 9}));
    CHECK_THAT(argmax, Equals(std::vector<int32_t>{4, 5, 7, 8}));
    const std::vector<float> dy{1, 2, 3, 4};
    auto dx = out(9);
    ref::max_pool2d_backward(s, dy.data(), argmax.data(), dx.data());
    CHECK_THAT(dx, Equals(std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4}));
  }
  SECTION("2x2 stride 1: 3 -> 3 (size kept)") {
    s.stride_h = s.stride_w = 1;
    REQUIRE(s.P() == 3);
    auto y = out(9);
    std::vector<int32_t> argmax(9, -7);
    ref::max_pool2d_forward(s, kOneToNine.data(), y.data(), argmax.data());
    CHECK_THAT(y, Equals(std::vector<float>{5, 6, 6, 8, 9, 9, 8, 9, 9}));
    CHECK_THAT(argmax, Equals(std::vector<int32_t>{4, 5, 5, 7, 8, 8, 7, 8, 8}));
  }
}

TEST_CASE("reference avg_pool2d: window means, both divisor rules", "[reference][avg_pool2d]") {
  cnn::kernels::AvgPool2dShape s;
  s.H = s.W = 3, s.stride_h = s.stride_w = 1;
  SECTION("2x2 stride 1, forward and backward") {
    auto y = out(4);
    ref::avg_pool2d_forward(s, kOneToNine.data(), y.data());
    CHECK_THAT(y, Equals(std::vector<float>{3, 4, 6, 7}));  // (1+2+4+5)/4, ...
    const std::vector<float> dy(4, 1.f);
    auto dx = out(9);
    ref::avg_pool2d_backward(s, dy.data(), dx.data());  // windows holding each element / 4
    CHECK_THAT(dx, Equals(std::vector<float>{0.25f, 0.5f, 0.25f, 0.5f, 1, 0.5f, 0.25f, 0.5f,
                                             0.25f}));
  }
  SECTION("3x3 pad 1: count_include_pad divides the corner by 9, otherwise by 4") {
    s.kernel_h = s.kernel_w = 3, s.pad_h = s.pad_w = 1;
    auto y = out(9);
    ref::avg_pool2d_forward(s, kOneToNine.data(), y.data());
    CHECK(y[0] == Approx(12.0 / 9));  // 1+2+4+5
    CHECK(y[4] == Approx(5.0));       // 45/9
    CHECK(y[1] == Approx(21.0 / 9));  // 1+2+3+4+5+6
    s.count_include_pad = false;
    ref::avg_pool2d_forward(s, kOneToNine.data(), y.data());
    CHECK(y[0] == Approx(3.0));  // 12/4
    CHECK(y[4] == Approx(5.0));
    CHECK(y[1] == Approx(3.5));  // 21/6
    CHECK(y[8] == Approx(7.0));  // (5+6+8+9)/4
  }
}

TEST_CASE("reference batch_norm2d: hand-computed statistics and running update",
          "[reference][batch_norm2d]") {
  cnn::kernels::BatchNorm2dShape s;  // N2 C2 1x2; channel 0 holds {2,2,2,6}, channel 1 {5,5,5,5}
  s.N = 2, s.C = 2, s.H = 1, s.W = 2;
  const std::vector<float> x{2, 2, 5, 5, 2, 6, 5, 5}, gamma{2, 3}, beta{1, -1};
  const float eps = 1.f, momentum = 0.25f;
  SECTION("training: mean 3 and 5, biased var 3 and 0, running stats with unbiased var") {
    // ch0: invstd = 1/sqrt(3+1) = 0.5, y = (x-3)*0.5*2 + 1 = x - 2; ch1: y = 0*3 - 1.
    // running_mean = 0.75*1 + 0.25*{3,5} = {1.5, 2}; running_var = 0.75*2 + 0.25*{12/3, 0}.
    auto y = out(8), mean = out(2), invstd = out(2);
    std::vector<float> running_mean{1, 1}, running_var{2, 2};
    ref::batch_norm2d_forward_training(s, x.data(), gamma.data(), beta.data(), eps, momentum,
                                       y.data(), mean.data(), invstd.data(), running_mean.data(),
                                       running_var.data());
    CHECK_THAT(y, Equals(std::vector<float>{0, 0, -1, -1, 0, 4, -1, -1}));
    CHECK_THAT(mean, Equals(std::vector<float>{3, 5}));
    CHECK_THAT(invstd, Equals(std::vector<float>{0.5f, 1}));
    CHECK_THAT(running_mean, Equals(std::vector<float>{1.5f, 2}));
    CHECK_THAT(running_var, Equals(std::vector<float>{2.5f, 1.5f}));
  }
  SECTION("eval: running stats normalise; backward treats them as constants") {
    const std::vector<float> running_mean{1, 1}, running_var{3, 0};
    // ch0: invstd 0.5, y = (x-1)*0.5*2 + 1 = x; ch1: invstd 1, y = (5-1)*3 - 1 = 11.
    auto y = out(8);
    ref::batch_norm2d_forward_inference(s, x.data(), gamma.data(), beta.data(),
                                        running_mean.data(), running_var.data(), eps, y.data());
    CHECK_THAT(y, Equals(std::vector<float>{2, 2, 11, 11, 2, 6, 11, 11}));
    // dy = 1: dx = gamma*invstd = {1, 3}; dbeta = 4; dgamma = sum (x-1)*invstd = {4, 16}.
    const std::vector<float> dy(8, 1.f);
    auto dx = out(8), dgamma = out(2), dbeta = out(2);
    ref::batch_norm2d_backward_inference(s, x.data(), dy.data(), gamma.data(), running_mean.data(),
                                         running_var.data(), eps, dx.data(), dgamma.data(),
                                         dbeta.data());
    CHECK_THAT(dx, Equals(std::vector<float>{1, 1, 3, 3, 1, 1, 3, 3}));
    CHECK_THAT(dgamma, Equals(std::vector<float>{4, 16}));
    CHECK_THAT(dbeta, Equals(std::vector<float>{4, 4}));
  }
  SECTION("training backward: dy = 1 gives dbeta = n, dgamma = sum xhat = 0, dx = 0") {
    const std::vector<float> mean{3, 5}, invstd{0.5f, 1}, dy(8, 1.f);
    auto dx = out(8), dgamma = out(2), dbeta = out(2);
    ref::batch_norm2d_backward_training(s, x.data(), dy.data(), gamma.data(), mean.data(),
                                        invstd.data(), dx.data(), dgamma.data(), dbeta.data());
    CHECK_THAT(dx, Equals(std::vector<float>(8, 0.f)));
    CHECK_THAT(dgamma, Equals(std::vector<float>{0, 0}));
    CHECK_THAT(dbeta, Equals(std::vector<float>{4, 4}));
  }
}

TEST_CASE("reference softmax family: known probabilities, huge logits", "[reference][softmax]") {
  SoftmaxShape s;
  s.rows = 1, s.cols = 2;
  const std::vector<float> x{0.f, std::log(3.f)};
  auto y = out(2);
  ref::softmax_forward(s, x.data(), y.data());
  CHECK(y[0] == Approx(0.25).epsilon(1e-7));
  CHECK(y[1] == Approx(0.75).epsilon(1e-7));
  ref::log_softmax_forward(s, x.data(), y.data());
  CHECK(y[0] == Approx(std::log(0.25)).epsilon(1e-7));
  CHECK(y[1] == Approx(std::log(0.75)).epsilon(1e-7));

  const std::vector<float> huge{1e4f, -1e4f};
  ref::softmax_forward(s, huge.data(), y.data());
  CHECK_THAT(y, Equals(std::vector<float>{1, 0}));
  ref::log_softmax_forward(s, huge.data(), y.data());
  CHECK_THAT(y, Equals(std::vector<float>{0, -2e4f}));

  // softmax backward with dy = onehot(0) is the first column of the Jacobian: y0 (e0 - y).
  const std::vector<float> p{0.25f, 0.75f}, dy{1, 0};
  auto dx = out(2);
  ref::softmax_backward(s, p.data(), dy.data(), dx.data());
  CHECK_THAT(dx, Equals(std::vector<float>{0.1875f, -0.1875f}));
  const std::vector<float> logp{std::log(0.25f), std::log(0.75f)}, dy2{1, 1};
  ref::log_softmax_backward(s, logp.data(), dy2.data(), dx.data());
  CHECK(dx[0] == Approx(0.5).epsilon(1e-6));  // 1 - 0.25 * 2
  CHECK(dx[1] == Approx(-0.5).epsilon(1e-6));
}

TEST_CASE("reference cross_entropy: loss, gradient, invalid labels", "[reference][cross_entropy]") {
  SoftmaxShape s;
  s.rows = 2, s.cols = 2;
  const std::vector<float> logits{0.f, std::log(3.f), 0.f, 0.f};
  std::vector<int32_t> labels{1, 0};
  auto probs = out(4), loss = out(1);
  ref::cross_entropy_forward(s, logits.data(), labels.data(), probs.data(), loss.data());
  CHECK(loss[0] == Approx((-std::log(0.75) - std::log(0.5)) / 2).epsilon(1e-6));
  CHECK(probs[1] == Approx(0.75).epsilon(1e-7));
  const std::vector<float> dloss{2.f};
  auto dlogits = out(4);
  ref::cross_entropy_backward(s, probs.data(), labels.data(), dloss.data(), dlogits.data());
  // (p - onehot) * 2 / 2
  CHECK(dlogits[0] == Approx(0.25).epsilon(1e-6));
  CHECK(dlogits[1] == Approx(-0.25).epsilon(1e-6));
  CHECK(dlogits[2] == Approx(-0.5).epsilon(1e-6));
  CHECK(dlogits[3] == Approx(0.5).epsilon(1e-6));
  labels[1] = 2;
  ref::cross_entropy_forward(s, logits.data(), labels.data(), probs.data(), loss.data());
  CHECK(std::isnan(loss[0]));
}

TEST_CASE("reference optimizers: PyTorch's update rules by hand", "[reference][optim]") {
  SECTION("SGD with momentum, two steps from a zero buffer") {
    cnn::kernels::SgdParams p;
    p.lr = 0.1f, p.momentum = 0.9f;
    float param = 1.f, buf = 0.f;
    const float grad = 0.5f;
    ref::sgd_update(1, p, &param, &grad, &buf);  // buf = 0.5, param = 1 - 0.05
    CHECK(buf == 0.5f);
    CHECK(param == Approx(0.95).epsilon(1e-7));
    ref::sgd_update(1, p, &param, &grad, &buf);  // buf = 0.95, param = 0.95 - 0.095
    CHECK(buf == Approx(0.95).epsilon(1e-7));
    CHECK(param == Approx(0.855).epsilon(1e-7));
  }
  SECTION("SGD Nesterov with weight decay") {
    cnn::kernels::SgdParams p;
    p.lr = 0.1f, p.momentum = 0.5f, p.weight_decay = 0.1f, p.nesterov = true;
    float param = 2.f, buf = 1.f;
    const float grad = 0.3f;
    // g = 0.3 + 0.2 = 0.5; buf = 0.5 + 0.5 = 1.0; g = 0.5 + 0.5*1 = 1.0; param = 2 - 0.1
    ref::sgd_update(1, p, &param, &grad, &buf);
    CHECK(buf == Approx(1.0).epsilon(1e-7));
    CHECK(param == Approx(1.9).epsilon(1e-7));
  }
  SECTION("SGD without momentum ignores a null buffer") {
    cnn::kernels::SgdParams p;
    p.lr = 0.5f;
    float param = 1.f;
    const float grad = 1.f;
    ref::sgd_update(1, p, &param, &grad, nullptr);
    CHECK(param == 0.5f);
  }
  SECTION("Adam's first step moves each weight by lr against the gradient's sign") {
    cnn::kernels::AdamParams p;
    p.lr = 0.1f;
    std::vector<float> param{1.f, 1.f}, m{0, 0}, v{0, 0};
    const std::vector<float> grad{0.5f, -2.f};
    ref::adam_update(2, p, param.data(), grad.data(), m.data(), v.data());
    CHECK(param[0] == Approx(0.9).epsilon(1e-6));
    CHECK(param[1] == Approx(1.1).epsilon(1e-6));
    // The hyper-parameters are floats: 1 - beta2 is 1 - 0.999f, not 0.001.
    CHECK(m[0] == Approx((1.0 - double(0.9f)) * 0.5).epsilon(1e-6));
    CHECK(v[1] == Approx((1.0 - double(0.999f)) * 4.0).epsilon(1e-6));
  }
  SECTION("AdamW decays the weight, not the gradient") {
    cnn::kernels::AdamParams p;
    p.lr = 0.1f, p.weight_decay = 0.5f, p.decoupled_weight_decay = true;
    float param = 2.f, m = 0.f, v = 0.f;
    const float grad = 1.f;
    ref::adam_update(1, p, &param, &grad, &m, &v);  // 2 * (1 - 0.05) - 0.1
    CHECK(param == Approx(1.8).epsilon(1e-6));
  }
}

TEST_CASE("reference elementwise helpers", "[reference][elementwise]") {
  std::vector<float> x{1, 2, 3}, y{10, 20, 30};
  ref::axpy(3, 2.f, x.data(), y.data());
  CHECK_THAT(y, Equals(std::vector<float>{12, 24, 36}));
  ref::scale(3, 0.5f, y.data());
  CHECK_THAT(y, Equals(std::vector<float>{6, 12, 18}));
  ref::add(3, x.data(), y.data(), y.data());  // aliasing allowed
  CHECK_THAT(y, Equals(std::vector<float>{7, 14, 21}));
  ref::mul(3, x.data(), y.data(), x.data());
  CHECK_THAT(x, Equals(std::vector<float>{7, 28, 63}));
  ref::fill(3, -1.5f, x.data());
  CHECK_THAT(x, Equals(std::vector<float>{-1.5f, -1.5f, -1.5f}));
  float sq = kNaN;
  const std::vector<float> v{1, -2, 3};
  ref::sum_squares(3, v.data(), &sq);
  CHECK(sq == 14.f);

  // [2,3,2] summed over the middle axis.
  std::vector<float> t(12);
  for (int i = 0; i < 12; ++i) t[size_t(i)] = float(i);
  auto s = out(4);
  ref::sum_axis(2, 3, 2, t.data(), s.data());
  CHECK_THAT(s, Equals(std::vector<float>{6, 9, 24, 27}));

  // Dropout: the mask follows uniform01(seed, i) >= p, kept values scale by 1/(1-p).
  const int n = 1000;
  std::vector<float> in(n, 1.f), outv(n), mask(n);
  ref::dropout_forward(n, 0.25f, 42, in.data(), outv.data(), mask.data());
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    const bool keep = cnn::kernels::uniform01(42, uint64_t(i)) >= 0.25f;
    CHECK(mask[size_t(i)] == (keep ? 1.f / 0.75f : 0.f));
    CHECK(outv[size_t(i)] == mask[size_t(i)]);
    kept += keep;
  }
  CHECK(kept > 700);  // ~750 expected; a broken hash would keep all or none
  CHECK(kept < 800);
}
