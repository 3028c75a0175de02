// Pooling and batch-norm ops and modules on the CPU: TF-'same' max pooling, avg_pool2d and global
// average pooling with hand-computed values, batch_norm2d's running statistics against PyTorch's
// update rule on a small example worked out by hand, autograd gradients by finite differences in
// both modes, BatchNorm2d's state and train()/eval() behaviour, and fold_batchnorm.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.h"
#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using cnn::testing::check_gradients;
using cnn::testing::random_tensor;

namespace {

// 1x1x3x3 holding 1..9 row-major.
Tensor one_to_nine() {
  return Tensor::from_vector({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 1, 3, 3});
}

// N2 C2 1x2 with channel 0 = {2, 2, 2, 6} (mean 3, biased var 3, unbiased 4) and channel 1 =
// {5, 5, 5, 5} (mean 5, var 0).
Tensor bn_example() {
  return Tensor::from_vector({2, 2, 5, 5, 2, 6, 5, 5}, {2, 2, 1, 2});
}

Tensor leaf(const Shape& shape, uint64_t seed, float low = -1.f, float high = 1.f) {
  Tensor t = random_tensor(shape, seed, low, high);
  t.set_requires_grad(true);
  return t;
}

}  // namespace

TEST_CASE("max_pool2d_same: TensorFlow 'same' padding, hand-computed", "[nn][pool_bn]") {
  SECTION("2x2 stride 2 on 3x3: ceil(3/2) = 2, one -inf row/column at the end") {
    const Tensor y = max_pool2d_same(one_to_nine(), 2, 2);
    REQUIRE(y.shape() == Shape{1, 1, 2, 2});
    CHECK_THAT(y.to_vector(), Equals(std::vector<float>{5, 6, 8, 9}));
  }
  SECTION("2x2 stride 1 keeps the size") {
    const Tensor y = max_pool2d_same(one_to_nine(), 2, 1);
    REQUIRE(y.shape() == Shape{1, 1, 3, 3});
    CHECK_THAT(y.to_vector(), Equals(std::vector<float>{5, 6, 6, 8, 9, 9, 8, 9, 9}));
  }
  SECTION("3x3 stride 1: total padding 2 splits 1 before, 1 after") {
    const Tensor y = max_pool2d_same(one_to_nine(), 3, 1);
    CHECK_THAT(y.to_vector(), Equals(std::vector<float>{5, 6, 6, 8, 9, 9, 8, 9, 9}));
  }
  SECTION("3x3 stride 2 on 1x4: total 1 goes at the end, windows [0..2] and [2..4]") {
    const Tensor x = Tensor::from_vector({4, 1, 3, 7}, {1, 1, 1, 4});
    const Tensor y = max_pool2d_same(x, 3, 2);
    REQUIRE(y.shape() == Shape{1, 1, 1, 2});  // height 1: total 2, one row on each side
    CHECK_THAT(y.to_vector(), Equals(std::vector<float>{4, 7}));
  }
  SECTION("face-api's TinyFaceDetector sizes: 207 -> 104 (k2 s2), 13 -> 13 (k2 s1)") {
    CHECK(max_pool2d_same(Tensor::zeros({1, 2, 207, 207}), 2, 2).shape() == Shape{1, 2, 104, 104});
    CHECK(max_pool2d_same(Tensor::zeros({1, 2, 13, 13}), 2, 1).shape() == Shape{1, 2, 13, 13});
  }
  SECTION("backward scatters to the winners, including clipped windows") {
    Tensor x = one_to_nine();
    x.set_requires_grad(true);
    const Tensor y = max_pool2d_same(x, 2, 2);
    y.backward(Tensor::from_vector({1, 2, 3, 4}, {1, 1, 2, 2}));
    CHECK_THAT(x.grad().to_vector(), Equals(std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4}));
  }
  SECTION("nn::MaxPool2d(k, s, MaxPool2d::same)") {
    nn::MaxPool2d pool(2, 2, nn::MaxPool2d::same);
    CHECK_THAT(pool.forward(one_to_nine()).to_vector(), Equals(std::vector<float>{5, 6, 8, 9}));
    CHECK(pool.output_shape({1, 3, 207, 207}) == Shape{1, 3, 104, 104});
    CHECK(pool.extra_repr() == "kernel_size=2, stride=2, padding=same");
    CHECK(nn::MaxPool2d(2, 1, nn::MaxPool2d::same).output_shape({1, 3, 13, 13}) ==
          Shape{1, 3, 13, 13});
  }
  REQUIRE_THROWS_WITH(max_pool2d_same(one_to_nine(), 0, 1), Contains("max_pool2d_same"));
}

TEST_CASE("avg_pool2d and global_avg_pool2d: hand-computed values", "[nn][pool_bn]") {
  SECTION("2x2 stride 1 and its backward") {
    Tensor x = one_to_nine();
    x.set_requires_grad(true);
    const Tensor y = avg_pool2d(x, 2, 1);
    CHECK_THAT(y.to_vector(), Equals(std::vector<float>{3, 4, 6, 7}));
    y.backward(Tensor::ones({1, 1, 2, 2}));
    CHECK_THAT(x.grad().to_vector(),
               Equals(std::vector<float>{0.25f, 0.5f, 0.25f, 0.5f, 1, 0.5f, 0.25f, 0.5f, 0.25f}));
  }
  SECTION("3x3 pad 1: count_include_pad true divides by 9, false by the in-bounds count") {
    const auto incl = avg_pool2d(one_to_nine(), 3, 1, 1, true).to_vector();
    const auto excl = avg_pool2d(one_to_nine(), 3, 1, 1, false).to_vector();
    CHECK(incl[0] == Approx(12.0 / 9));
    CHECK(excl[0] == Approx(3.0));
    CHECK(incl[4] == Approx(5.0));
    CHECK(excl[4] == Approx(5.0));
    CHECK(excl[1] == Approx(3.5));
  }
  SECTION("global average pooling: one mean per plane; nn::AdaptiveAvgPool2d(1)") {
    const Tensor x = Tensor::from_vector({1, 2, 3, 4, 10, 20, 30, 40}, {1, 2, 2, 2});
    const Tensor y = global_avg_pool2d(x);
    REQUIRE(y.shape() == Shape{1, 2, 1, 1});
    CHECK_THAT(y.to_vector(), Equals(std::vector<float>{2.5f, 25}));
    nn::AdaptiveAvgPool2d gap(1);
    CHECK_THAT(gap.forward(x).to_vector(), Equals(std::vector<float>{2.5f, 25}));
    CHECK(gap.output_shape({3, 7, 13, 13}) == Shape{3, 7, 1, 1});
    // A 1x1 or 1xW plane (a backbone's last map on a small input) is its own mean.
    CHECK_THAT(global_avg_pool2d(Tensor::from_vector({4, 9}, {1, 2, 1, 1})).to_vector(),
               Equals(std::vector<float>{4, 9}));
    CHECK_THAT(global_avg_pool2d(Tensor::from_vector({1, 2, 6}, {1, 1, 1, 3})).to_vector(),
               Equals(std::vector<float>{3}));
    REQUIRE_THROWS_WITH(global_avg_pool2d(Tensor::zeros({1, 2, 0, 3})), Contains("empty"));
    REQUIRE_THROWS_WITH(nn::AdaptiveAvgPool2d(2), Contains("output_size=2") && Contains("only 1"));
  }
  SECTION("nn::AvgPool2d") {
    nn::AvgPool2d pool(2);
    CHECK_THAT(pool.forward(Tensor::from_vector({1, 3, 5, 7}, {1, 1, 2, 2})).to_vector(),
               Equals(std::vector<float>{4}));
    CHECK(pool.output_shape({2, 3, 7, 9}) == Shape{2, 3, 3, 4});
  }
  REQUIRE_THROWS_WITH(avg_pool2d(one_to_nine(), 3, 1, 2), Contains("avg_pool2d"));
}

TEST_CASE("gradcheck avg_pool2d and global_avg_pool2d", "[gradcheck][pool_bn]") {
  const std::vector<Tensor> in{leaf({2, 2, 6, 5}, 31)};
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return avg_pool2d(t[0], 3, 2, 1); },
                          in) == 120);
  REQUIRE(check_gradients(
              [](const std::vector<Tensor>& t) { return avg_pool2d(t[0], 3, 1, 1, false); }, in) ==
          120);
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return global_avg_pool2d(t[0]); },
                          in) == 120);
}

TEST_CASE("BatchNorm2d: running statistics follow PyTorch's rule (hand-computed)",
          "[nn][pool_bn]") {
  nn::BatchNorm2d bn(2);  // eps 1e-5, momentum 0.1; running_mean 0, running_var 1
  const nn::NamedTensors state = bn.state_dict();
  REQUIRE(state.size() == 5);
  CHECK(state[0].first == "weight");
  CHECK(state[1].first == "bias");
  CHECK(state[2].first == "running_mean");
  CHECK(state[3].first == "running_var");
  CHECK(state[4].first == "num_batches_tracked");
  CHECK(bn.parameters().size() == 2);
  CHECK(bn.num_batches_tracked().item() == 0.f);

  const Tensor x = bn_example();
  // Training: batch mean {3, 5}, biased var {3, 0}, unbiased {4, 0}.
  const Tensor y = bn(x);
  const float r3 = float(1.0 / std::sqrt(3.0 + 1e-5));
  CNN_REQUIRE_CLOSE(y.to_vector(), (std::vector<float>{-r3, -r3, 0, 0, -r3, 3 * r3, 0, 0}), 1e-6,
                    1e-6);
  // running_mean = 0.9*0 + 0.1*{3, 5}; running_var = 0.9*1 + 0.1*{4, 0} (unbiased).
  CNN_REQUIRE_CLOSE(bn.running_mean().to_vector(), (std::vector<float>{0.3f, 0.5f}), 1e-7, 1e-6);
  CNN_REQUIRE_CLOSE(bn.running_var().to_vector(), (std::vector<float>{1.3f, 0.9f}), 1e-7, 1e-6);
  CHECK(bn.num_batches_tracked().item() == 1.f);
  // Second step: 0.9*{0.3, 0.5} + 0.1*{3, 5} = {0.57, 0.95}; 0.9*{1.3, 0.9} + 0.1*{4, 0}.
  bn(x);
  CNN_REQUIRE_CLOSE(bn.running_mean().to_vector(), (std::vector<float>{0.57f, 0.95f}), 1e-7, 1e-6);
  CNN_REQUIRE_CLOSE(bn.running_var().to_vector(), (std::vector<float>{1.57f, 0.81f}), 1e-7, 1e-6);
  CHECK(bn.num_batches_tracked().item() == 2.f);

  // Eval: the running statistics normalise and stay as they are.
  bn.eval();
  const Tensor ye = bn(x);
  std::vector<float> want(8);
  const std::vector<float> xv = x.to_vector();
  const double mean[2] = {0.57, 0.95}, var[2] = {1.57, 0.81};
  for (size_t i = 0; i < 8; ++i) {
    const size_t c = (i / 2) % 2;
    want[i] = float((xv[i] - mean[c]) / std::sqrt(var[c] + 1e-5));
  }
  CNN_REQUIRE_CLOSE(ye.to_vector(), want, 1e-6, 1e-6);
  CHECK(bn.num_batches_tracked().item() == 2.f);
  CNN_REQUIRE_CLOSE(bn.running_mean().to_vector(), (std::vector<float>{0.57f, 0.95f}), 1e-7, 1e-6);

  REQUIRE_THROWS_WITH(bn(Tensor::zeros({2, 3, 2, 2})),
                      Contains("BatchNorm2d") && Contains("[N,2,H,W]"));
  bn.train();
  REQUIRE_THROWS_WITH(bn(Tensor::zeros({1, 2, 1, 1})), Contains("more than 1 value per channel"));
}

TEST_CASE("batch_norm2d op: checks, no affine, no running stats", "[nn][pool_bn]") {
  const Tensor x = bn_example();
  // Without weight/bias it is gamma 1, beta 0; without running stats nothing is updated.
  const Tensor y = batch_norm2d(x, Tensor(), Tensor(), Tensor(), Tensor(), true);
  const float r3 = float(1.0 / std::sqrt(3.0 + 1e-5));
  CNN_REQUIRE_CLOSE(y.to_vector(), (std::vector<float>{-r3, -r3, 0, 0, -r3, 3 * r3, 0, 0}), 1e-6,
                    1e-6);
  REQUIRE_THROWS_WITH(batch_norm2d(x, Tensor(), Tensor(), Tensor(), Tensor(), false),
                      Contains("eval mode") && Contains("running_mean"));
  REQUIRE_THROWS_WITH(
      batch_norm2d(x, Tensor::ones({3}), Tensor(), Tensor(), Tensor(), true),
      Contains("batch_norm2d") && Contains("weight") && Contains("[3]") && Contains("[2]"));
  REQUIRE_THROWS_WITH(batch_norm2d(x, Tensor(), Tensor(), Tensor::zeros({2}), Tensor(), true),
                      Contains("both"));
}

TEST_CASE("gradcheck batch_norm2d: training and eval (frozen) mode", "[gradcheck][pool_bn]") {
  const std::vector<Tensor> in{leaf({3, 2, 3, 2}, 41, -1.f, 2.f), leaf({2}, 42, 0.5f, 1.5f),
                               leaf({2}, 43)};
  const Tensor running_mean = Tensor::from_vector({0.2f, -0.3f}, {2});
  const Tensor running_var = Tensor::from_vector({0.7f, 1.4f}, {2});
  SECTION("training: gradients through the batch statistics") {
    REQUIRE(check_gradients(
                [](const std::vector<Tensor>& t) {
                  return batch_norm2d(t[0], t[1], t[2], Tensor(), Tensor(), true);
                },
                in) == 36 + 2 + 2);
  }
  SECTION("eval: running statistics are constants") {
    REQUIRE(check_gradients(
                [&](const std::vector<Tensor>& t) {
                  return batch_norm2d(t[0], t[1], t[2], running_mean, running_var, false);
                },
                in) == 36 + 2 + 2);
  }
}

TEST_CASE("fold_batchnorm: conv + BatchNorm2d(eval) equals the folded conv", "[nn][pool_bn]") {
  Generator gen(7);
  for (const bool with_bias : {true, false}) {
    INFO("conv bias " << with_bias);
    nn::Conv2d conv(3, 4, 3, 1, 1, with_bias, &gen);
    nn::BatchNorm2d bn(4, 1e-3f);
    // Non-trivial statistics and affine parameters.
    nn::NamedTensors state;
    state.emplace_back("weight", Tensor::from_vector({1.5f, -0.5f, 2.f, 0.25f}, {4}));
    state.emplace_back("bias", Tensor::from_vector({0.1f, -0.2f, 0.3f, 0.f}, {4}));
    state.emplace_back("running_mean", Tensor::from_vector({0.5f, -1.f, 0.f, 2.f}, {4}));
    state.emplace_back("running_var", Tensor::from_vector({0.5f, 2.f, 1.f, 0.1f}, {4}));
    state.emplace_back("num_batches_tracked", Tensor::from_vector({10.f}, {}));
    bn.load_state_dict(state);
    bn.eval();
    const Tensor x = random_tensor({2, 3, 6, 5}, 8);
    const std::vector<float> want = bn(conv(x)).to_vector();
    nn::fold_batchnorm(conv, bn);
    REQUIRE(conv.bias().defined());
    CHECK(conv.state_dict().size() == 2);
    CNN_REQUIRE_CLOSE(conv(x).to_vector(), want, 1e-5, 1e-5);
  }
  nn::Conv2d conv(3, 5, 1);
  REQUIRE_THROWS_WITH(nn::fold_batchnorm(conv, nn::BatchNorm2d(4)),
                      Contains("fold_batchnorm") && Contains("5") && Contains("4"));
}
