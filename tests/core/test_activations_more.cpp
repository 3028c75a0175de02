// The ops added for multi-scale heads, on the CPU: leaky_relu, clamp/relu6, sigmoid,
// binary_cross_entropy_with_logits, upsample_nearest2d, concat/narrow/split. Known values
// (including the gradient rules at the kinks and saturation without inf/NaN), finite-difference
// gradient checks through autograd, shape/argument errors that name the op, and the nn modules.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "gradcheck.h"
#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;
using cnn::testing::check_gradients;
using cnn::testing::random_tensor;

namespace {

Tensor leaf_from(const std::vector<float>& v, const Shape& shape) {
  Tensor t = Tensor::from_vector(v, shape);
  t.set_requires_grad(true);
  return t;
}

Tensor leaf(const Shape& shape, uint64_t seed, float low = -1.f, float high = 1.f) {
  Tensor t = random_tensor(shape, seed, low, high);
  t.set_requires_grad(true);
  return t;
}

// Random values kept at least `gap` away from each point in `kinks` (so a perturbation of
// h < gap never crosses one).
Tensor away_from(const Shape& shape, uint64_t seed, const std::vector<float>& kinks, float gap,
                 float low = -1.f, float high = 1.f) {
  std::vector<float> v = random_tensor(shape, seed, low, high).to_vector();
  for (float& x : v)
    for (const float k : kinks)
      if (std::abs(x - k) < gap) x = x >= k ? k + gap : k - gap;
  return leaf_from(v, shape);
}

// The gradient of sum(f(x)) w.r.t. x.
std::vector<float> grad_of_sum(const Tensor& x, const Tensor& y) {
  sum(y).backward();
  return x.grad().to_vector();
}

}  // namespace

TEST_CASE("leaky_relu, relu6, clamp and sigmoid: values and the gradient at the kinks",
          "[autograd]") {
  {
    const Tensor x = leaf_from({-2.f, -0.f, 0.f, 3.f}, {4});
    const Tensor y = leaky_relu(x, 0.1f);
    CHECK(y.to_vector() == std::vector<float>{-0.2f, -0.f, 0.f, 3.f});
    // PyTorch's rule: x > 0 ? 1 : slope, so exactly 0 gets the slope.
    CHECK(grad_of_sum(x, y) == std::vector<float>{0.1f, 0.1f, 0.1f, 1.f});
    CHECK(leaky_relu(Tensor::from_vector({-1.f}, {1})).item() == Approx(-0.01f));  // default
  }
  {
    const Tensor x = leaf_from({-1.f, 0.f, 3.f, 6.f, 7.f}, {5});
    const Tensor y = relu6(x);
    CHECK(y.to_vector() == std::vector<float>{0.f, 0.f, 3.f, 6.f, 6.f});
    // hardtanh_backward: 0 at the bounds themselves.
    CHECK(grad_of_sum(x, y) == std::vector<float>{0.f, 0.f, 1.f, 0.f, 0.f});
  }
  {
    const Tensor x = leaf_from({-3.f, -1.f, 0.5f, 1.f, 2.f}, {5});
    const Tensor y = clamp(x, -1.f, 1.f);
    CHECK(y.to_vector() == std::vector<float>{-1.f, -1.f, 0.5f, 1.f, 1.f});
    CHECK(grad_of_sum(x, y) == std::vector<float>{0.f, 0.f, 1.f, 0.f, 0.f});
  }
  {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const Tensor x = Tensor::from_vector({nan}, {1});
    CHECK(std::isnan(leaky_relu(x).item()));
    CHECK(std::isnan(relu6(x).item()));
    CHECK(std::isnan(sigmoid(x).item()));
  }
  {
    const Tensor x = leaf_from({0.f, 100.f, -100.f, 1e30f, -1e30f, 2.f}, {6});
    const Tensor y = sigmoid(x);
    const std::vector<float> v = y.to_vector();
    CHECK(v[0] == 0.5f);
    CHECK(v[1] == 1.f);
    CHECK(v[2] >= 0.f);
    CHECK(v[2] < 1e-40f);
    CHECK(v[3] == 1.f);
    CHECK(v[4] == 0.f);
    CHECK(v[5] == Approx(1.0 / (1.0 + std::exp(-2.0))).epsilon(1e-6));
    const std::vector<float> g = grad_of_sum(x, y);
    CHECK(g[0] == 0.25f);
    CHECK(g[5] == Approx(v[5] * (1.0 - v[5])).epsilon(1e-6));
    for (float gi : g) CHECK(std::isfinite(gi));
  }
  REQUIRE_THROWS_WITH(clamp(Tensor::ones({2}), 1.f, -1.f), Contains("clamp") && Contains("upper"));
}

TEST_CASE("binary_cross_entropy_with_logits: known values, reductions, stability", "[autograd]") {
  const double log2 = std::log(2.0);
  {
    // Logit 0 is probability 1/2 whatever the target: log 2 per element.
    const Tensor x = Tensor::zeros({2, 3});
    const Tensor t = Tensor::from_vector({0.f, 1.f, 0.5f, 0.f, 1.f, 0.25f}, {2, 3});
    CHECK(binary_cross_entropy_with_logits(x, t).item() == Approx(log2).epsilon(1e-6));
    CHECK(binary_cross_entropy_with_logits(x, t, Tensor(), Reduction::sum).item() ==
          Approx(6 * log2).epsilon(1e-6));
    const Tensor none = binary_cross_entropy_with_logits(x, t, Tensor(), Reduction::none);
    REQUIRE(none.shape() == Shape{2, 3});
    for (float v : none.to_vector()) CHECK(v == Approx(log2).epsilon(1e-6));
    const Tensor w = Tensor::from_vector({1.f, 2.f, 0.f, 1.f, 1.f, 3.f}, {2, 3});
    CHECK(binary_cross_entropy_with_logits(x, t, w, Reduction::sum).item() ==
          Approx(8 * log2).epsilon(1e-6));
  }
  {
    // Large logits: no inf/NaN in the loss or the gradient. Right answers cost ~0, wrong ones
    // cost |x|.
    const Tensor x = leaf_from({100.f, -100.f, 100.f, -100.f, 1e30f, -1e30f}, {6});
    const Tensor t = Tensor::from_vector({1.f, 0.f, 0.f, 1.f, 1.f, 1.f}, {6});
    const Tensor loss = binary_cross_entropy_with_logits(x, t, Tensor(), Reduction::none);
    const std::vector<float> l = loss.to_vector();
    CHECK(l[0] == Approx(0.0).margin(1e-30));
    CHECK(l[1] == Approx(0.0).margin(1e-30));
    CHECK(l[2] == Approx(100.0));
    CHECK(l[3] == Approx(100.0));
    CHECK(l[4] == Approx(0.0).margin(1e-30));
    CHECK(l[5] == Approx(1e30));
    sum(loss).backward();
    CHECK(x.grad().to_vector() == std::vector<float>{0.f, 0.f, 1.f, -1.f, 0.f, -1.f});
  }
  {
    // Moderate logits against the textbook formula -[t log p + (1-t) log(1-p)], p = sigmoid(x),
    // computed here in double: an independent check of the stable rewrite.
    const Tensor x = random_tensor({5, 7}, 21, -4.f, 4.f);
    const Tensor t = random_tensor({5, 7}, 22, 0.f, 1.f);
    const Tensor w = random_tensor({5, 7}, 23, 0.f, 2.f);
    const std::vector<float> xv = x.to_vector(), tv = t.to_vector(), wv = w.to_vector();
    double want = 0;
    for (size_t i = 0; i < xv.size(); ++i) {
      const double p = 1.0 / (1.0 + std::exp(-double(xv[i])));
      want -= wv[i] * (tv[i] * std::log(p) + (1 - tv[i]) * std::log(1 - p));
    }
    want /= double(xv.size());
    CHECK(binary_cross_entropy_with_logits(x, t, w).item() == Approx(want).epsilon(1e-5));
  }
  REQUIRE_THROWS_WITH(
      binary_cross_entropy_with_logits(Tensor::zeros({2, 3}), Tensor::zeros({3, 2})),
      Contains("binary_cross_entropy_with_logits") && Contains("[3,2]") && Contains("[2,3]"));
  REQUIRE_THROWS_WITH(
      binary_cross_entropy_with_logits(Tensor::zeros({2}), Tensor::zeros({2}), Tensor::zeros({3})),
      Contains("weights") && Contains("[3]"));
}

TEST_CASE("upsample_nearest2d and concat/narrow/split: values and errors", "[autograd]") {
  {
    const Tensor x = leaf_from({1.f, 2.f, 3.f, 4.f}, {1, 1, 2, 2});
    const Tensor y = upsample_nearest2d(x, 2);
    REQUIRE(y.shape() == Shape{1, 1, 4, 4});
    CHECK(y.to_vector() == std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
    // Each input pixel feeds a 2x2 block: its gradient is the sum of that block of dy.
    const Tensor dy =
        Tensor::from_vector({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {1, 1, 4, 4});
    y.backward(dy);
    CHECK(x.grad().to_vector() == std::vector<float>{14, 22, 46, 54});
    CHECK(upsample_nearest2d(Tensor::ones({2, 3, 5, 7}), 3).shape() == Shape{2, 3, 15, 21});
  }
  {
    const Tensor a = Tensor::from_vector({1, 2, 3, 4}, {2, 1, 1, 2});
    const Tensor b = Tensor::from_vector({5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 1, 2});
    const Tensor c = concat({a, b}, 1);
    REQUIRE(c.shape() == Shape{2, 3, 1, 2});
    CHECK(c.to_vector() == std::vector<float>{1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12});
    CHECK(concat({a, a}, 0).to_vector() == std::vector<float>{1, 2, 3, 4, 1, 2, 3, 4});
    CHECK(concat({a, a}, -1).to_vector() == std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4});
    CHECK(narrow(c, 1, 1, 2).to_vector() == b.to_vector());
    const std::vector<Tensor> parts = split(c, {1, 2}, 1);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].to_vector() == a.to_vector());
    CHECK(parts[1].to_vector() == b.to_vector());
  }
  REQUIRE_THROWS_WITH(upsample_nearest2d(Tensor::ones({2, 3}), 2),
                      Contains("upsample_nearest2d") && Contains("4-D"));
  REQUIRE_THROWS_WITH(upsample_nearest2d(Tensor::ones({1, 1, 2, 2}), 0),
                      Contains("upsample_nearest2d") && Contains("scale 0"));
  REQUIRE_THROWS_WITH(concat({Tensor::ones({2, 3, 4, 4}), Tensor::ones({2, 3, 5, 4})}, 1),
                      Contains("concat") && Contains("[2,3,5,4]") && Contains("[2,3,4,4]"));
  REQUIRE_THROWS_WITH(concat({Tensor::ones({2, 3})}, 2), Contains("concat") && Contains("range"));
  REQUIRE_THROWS_WITH(concat({}, 1), Contains("concat"));
  REQUIRE_THROWS_WITH(narrow(Tensor::ones({2, 3}), 1, 2, 2),
                      Contains("narrow") && Contains("[2,3]"));
  REQUIRE_THROWS_WITH(split(Tensor::ones({2, 3}), {1, 1}, 1),
                      Contains("split") && Contains("add up to 2"));
}

TEST_CASE("gradcheck leaky_relu, clamp, relu6 and sigmoid", "[gradcheck]") {
  const std::vector<Tensor> x{away_from({3, 8}, 31, {0.f}, 0.05f)};
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return leaky_relu(t[0], 0.2f); }, x) ==
        24);
  const std::vector<Tensor> xc{away_from({3, 8}, 32, {-0.5f, 0.5f}, 0.05f)};
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return clamp(t[0], -0.5f, 0.5f); },
                        xc) == 24);
  const std::vector<Tensor> x6{away_from({3, 8}, 33, {0.f, 6.f}, 0.05f, -2.f, 8.f)};
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return relu6(t[0]); }, x6) == 24);
  const std::vector<Tensor> xs{leaf({3, 8}, 34, -4.f, 4.f)};
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return sigmoid(t[0]); }, xs) == 24);
}

TEST_CASE("gradcheck binary_cross_entropy_with_logits (logits only)", "[gradcheck]") {
  const Tensor t = random_tensor({4, 5}, 41, 0.f, 1.f);
  const Tensor w = random_tensor({4, 5}, 42, 0.f, 2.f);
  const std::vector<Tensor> x{leaf({4, 5}, 43, -3.f, 3.f)};
  for (const Reduction r : {Reduction::none, Reduction::sum, Reduction::mean}) {
    INFO("reduction " << int(r));
    CHECK(check_gradients(
              [&](const std::vector<Tensor>& in) {
                return binary_cross_entropy_with_logits(in[0], t, Tensor(), r);
              },
              x) == 20);
    CHECK(check_gradients(
              [&](const std::vector<Tensor>& in) {
                return binary_cross_entropy_with_logits(in[0], t, w, r);
              },
              x) == 20);
  }
}

TEST_CASE("gradcheck upsample_nearest2d, concat, narrow and split", "[gradcheck]") {
  const std::vector<Tensor> x{leaf({2, 2, 3, 3}, 51)};
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return upsample_nearest2d(t[0], 2); },
                        x) == 36);
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return upsample_nearest2d(t[0], 3); },
                        x) == 36);

  const std::vector<Tensor> in{leaf({2, 1, 3, 3}, 52), leaf({2, 3, 3, 3}, 53),
                               leaf({2, 2, 3, 3}, 54)};
  for (const int64_t dim : {1, 0, -1, 2}) {
    INFO("concat dim " << dim);
    if (dim == 1) {
      CHECK(check_gradients([](const std::vector<Tensor>& t) { return concat(t, 1); }, in) ==
            18 + 54 + 36);
    } else {
      // Same shapes for the other dims: concat each input with itself times a weight.
      CHECK(check_gradients(
                [dim](const std::vector<Tensor>& t) {
                  return concat({t[0], t[0] * 2.f}, dim);
                },
                {in[1]}) == 54);
    }
  }
  CHECK(check_gradients([](const std::vector<Tensor>& t) { return narrow(t[0], 1, 1, 2); },
                        {in[1]}) == 54);
  CHECK(check_gradients(
            [](const std::vector<Tensor>& t) {
              const std::vector<Tensor> parts = split(t[0], {2, 1}, 1);
              return parts[0] * 3.f + concat({parts[1], parts[1]}, 1);
            },
            {in[1]}) == 54);
}

TEST_CASE("LeakyReLU, ReLU6, Hardtanh, Sigmoid and Upsample modules", "[nn]") {
  const Tensor x = random_tensor({2, 3, 4, 5}, 61, -8.f, 8.f);
  nn::LeakyReLU leaky;
  CHECK(leaky.extra_repr() == "negative_slope=0.01");
  CHECK(leaky(x).to_vector() == leaky_relu(x, 0.01f).to_vector());
  CHECK(nn::LeakyReLU(0.2f)(x).to_vector() == leaky_relu(x, 0.2f).to_vector());
  CHECK(nn::ReLU6()(x).to_vector() == clamp(x, 0.f, 6.f).to_vector());
  CHECK(nn::Hardtanh()(x).to_vector() == clamp(x, -1.f, 1.f).to_vector());
  CHECK(nn::Hardtanh().extra_repr() == "min_val=-1.0, max_val=1.0");
  CHECK(nn::Sigmoid()(x).to_vector() == sigmoid(x).to_vector());
  nn::Upsample up(2);
  CHECK(up.extra_repr() == "scale_factor=2.0, mode='nearest'");
  CHECK(up.output_shape({2, 3, 4, 5}) == Shape{2, 3, 8, 10});
  CHECK(up(x).to_vector() == upsample_nearest2d(x, 2).to_vector());
  CHECK(up.type_name() == "Upsample");
  REQUIRE_THROWS_WITH(nn::Upsample(2, "bilinear"), Contains("Upsample") && Contains("bilinear"));
  REQUIRE_THROWS_WITH(nn::Upsample(0), Contains("scale_factor=0"));
  REQUIRE_THROWS_WITH(nn::Hardtanh(1.f, -1.f), Contains("Hardtanh"));
}
