// Grouped and depthwise conv2d through the core (CPU): finite-difference gradients through
// autograd, the op's error messages, and nn::Conv2d's groups / per-axis hyper-parameters (shape,
// PyTorch's init bound, printing). The kernels themselves are compared with the double reference
// in tests/kernels; here the question is whether the op and the module wire them up right.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "gradcheck.h"
#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;
using cnn::testing::check_gradients;
using cnn::testing::random_tensor;

namespace {

Tensor leaf(const Shape& shape, uint64_t seed) {
  Tensor t = random_tensor(shape, seed);
  t.set_requires_grad(true);
  return t;
}

Conv2dOptions options(int stride_h, int stride_w, int pad_h, int pad_w, int groups) {
  Conv2dOptions o;
  o.stride_h = stride_h, o.stride_w = stride_w, o.pad_h = pad_h, o.pad_w = pad_w;
  o.groups = groups;
  return o;
}

}  // namespace

TEST_CASE("gradcheck depthwise and grouped conv2d through autograd", "[gradcheck]") {
  struct Case {
    const char* what;
    Shape x, w;
    Conv2dOptions o;
  };
  for (const Case& c :
       {Case{"depthwise 3x3 pad 1", {2, 4, 5, 6}, {4, 1, 3, 3}, options(1, 1, 1, 1, 4)},
        Case{"depthwise x2 stride 2x1 pad 1,0", {1, 3, 6, 5}, {6, 1, 3, 3}, options(2, 1, 1, 0, 3)},
        Case{"groups 2, 3x2 kernel", {2, 4, 5, 5}, {6, 2, 3, 2}, options(1, 2, 1, 1, 2)}}) {
    INFO(c.what);
    const std::vector<Tensor> in{leaf(c.x, 11), leaf(c.w, 12), leaf({c.w[0]}, 13)};
    const int64_t n = check_gradients(
        [&](const std::vector<Tensor>& t) { return conv2d(t[0], t[1], t[2], c.o); }, in);
    REQUIRE(n == in[0].numel() + in[1].numel() + in[2].numel());
  }
}

TEST_CASE("conv2d with options: groups 1 equals the (stride, padding) form", "[gradcheck]") {
  const Tensor x = random_tensor({2, 3, 7, 7}, 1), w = random_tensor({4, 3, 3, 3}, 2),
               b = random_tensor({4}, 3);
  REQUIRE(conv2d(x, w, b, options(2, 2, 1, 1, 1)).to_vector() == conv2d(x, w, b, 2, 1).to_vector());
}

TEST_CASE("conv2d groups: a depthwise conv is one single-channel conv per channel", "[gradcheck]") {
  // Independent of the grouped kernels: channel c through a depthwise conv must equal the plain
  // (groups = 1) conv of channel c alone with filter c.
  const int C = 3;
  const Tensor x = random_tensor({2, C, 6, 7}, 4), w = random_tensor({C, 1, 3, 3}, 5),
               b = random_tensor({C}, 6);
  const std::vector<float> y = conv2d(x, w, b, options(1, 2, 1, 0, C)).to_vector();
  const std::vector<float> xv = x.to_vector(), wv = w.to_vector(), bv = b.to_vector();
  const int64_t plane_in = 6 * 7, P = 6, Q = 3;  // Q = (7 - 3) / 2 + 1
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < C; ++c) {
      const auto xb = xv.begin() + (n * C + c) * plane_in;
      const Tensor xc = Tensor::from_vector(std::vector<float>(xb, xb + plane_in), {1, 1, 6, 7});
      const Tensor wc = Tensor::from_vector(
          std::vector<float>(wv.begin() + c * 9, wv.begin() + c * 9 + 9), {1, 1, 3, 3});
      const Tensor bc = Tensor::from_vector({bv[size_t(c)]}, {1});
      const std::vector<float> want = conv2d(xc, wc, bc, options(1, 2, 1, 0, 1)).to_vector();
      const auto got = y.begin() + (n * C + c) * P * Q;
      INFO("image " << n << " channel " << c);
      CNN_REQUIRE_CLOSE(std::vector<float>(got, got + P * Q), want, 1e-6, 1e-6);
    }
}

TEST_CASE("conv2d groups: errors name the op, the shapes and groups", "[gradcheck]") {
  const Tensor x = Tensor::zeros({1, 6, 5, 5});
  REQUIRE_THROWS_WITH(
      conv2d(x, Tensor::zeros({4, 1, 3, 3}), Tensor(), options(1, 1, 1, 1, 4)),
      Contains("conv2d") && Contains("6 channels") && Contains("not divisible by groups=4"));
  REQUIRE_THROWS_WITH(
      conv2d(x, Tensor::zeros({5, 2, 3, 3}), Tensor(), options(1, 1, 1, 1, 3)),
      Contains("conv2d") && Contains("5 filters") && Contains("not divisible by groups=3"));
  REQUIRE_THROWS_WITH(
      conv2d(x, Tensor::zeros({6, 3, 3, 3}), Tensor(), options(1, 1, 1, 1, 3)),
      Contains("conv2d") && Contains("[1,6,5,5]") && Contains("expects 9") && Contains("groups=3"));
  REQUIRE_THROWS_WITH(conv2d(x, Tensor::zeros({6, 1, 3, 3}), Tensor(), options(1, 1, 1, 1, 0)),
                      Contains("conv2d") && Contains("groups must be positive"));
  REQUIRE_THROWS_WITH(conv2d(x, Tensor::zeros({6, 1, 7, 3}), Tensor(), options(1, 1, 0, 1, 6)),
                      Contains("conv2d") && Contains("no valid output"));
}

TEST_CASE("nn::Conv2d with groups and per-axis hyper-parameters", "[nn]") {
  Generator gen(7);
  nn::Conv2dConfig config;
  config.kernel_h = 3, config.kernel_w = 3, config.pad_h = 1, config.pad_w = 1, config.groups = 16;
  nn::Conv2d depthwise(16, 16, config, &gen);
  REQUIRE(depthwise.weight().shape() == Shape{16, 1, 3, 3});
  REQUIRE(depthwise.bias().shape() == Shape{16});
  REQUIRE(depthwise.extra_repr() ==
          "16, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=16");
  // PyTorch's bound 1/sqrt(fan_in) with fan_in = (C/groups)*R*S = 9: weights fill (-1/3, 1/3).
  const std::vector<float> w = depthwise.weight().to_vector();
  const float largest = std::abs(*std::max_element(
      w.begin(), w.end(), [](float a, float b) { return std::abs(a) < std::abs(b); }));
  REQUIRE(largest <= 1.f / 3.f);
  REQUIRE(largest > 0.25f);  // 144 draws: not a tighter bound (fan_in = 144 would give 1/12)

  const Tensor x = random_tensor({2, 16, 9, 8}, 8);
  REQUIRE(depthwise.forward(x).shape() == Shape{2, 16, 9, 8});
  REQUIRE(depthwise.output_shape({2, 16, 9, 8}) == Shape{2, 16, 9, 8});

  nn::Conv2dConfig asym;
  asym.kernel_h = 3, asym.kernel_w = 1, asym.stride_h = 2, asym.stride_w = 1, asym.pad_h = 1;
  asym.groups = 2, asym.bias = false;
  nn::Conv2d grouped(4, 6, asym, &gen);
  REQUIRE(grouped.weight().shape() == Shape{6, 2, 3, 1});
  REQUIRE_FALSE(grouped.bias().defined());
  REQUIRE(grouped.extra_repr() ==
          "4, 6, kernel_size=(3, 1), stride=(2, 1), padding=(1, 0), groups=2, bias=False");
  const Tensor x2 = random_tensor({1, 4, 9, 5}, 9);
  REQUIRE(grouped.output_shape(x2.shape()) == Shape{1, 6, 5, 5});
  REQUIRE(grouped.forward(x2).shape() == grouped.output_shape(x2.shape()));

  // The square-kernel constructor still works and prints like PyTorch.
  nn::Conv2d plain(3, 8, 3, 1, 1, true, &gen);
  REQUIRE(plain.weight().shape() == Shape{8, 3, 3, 3});
  REQUIRE(plain.extra_repr() == "3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)");

  REQUIRE_THROWS_WITH(nn::Conv2d(6, 4, config, &gen),
                      Contains("Conv2d") && Contains("divisible by groups=16"));
}
