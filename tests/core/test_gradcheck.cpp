// Finite-difference gradient checks for every functional op and for a whole small network
// (conv -> relu -> pool -> flatten -> linear -> cross_entropy), on the CPU.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "gradcheck.h"
#include "test_util.h"

using namespace cnn;
using cnn::testing::check_gradients;
using cnn::testing::GradCheckOptions;
using cnn::testing::random_tensor;

namespace {

Tensor leaf(const Shape& shape, uint64_t seed, float low = -1.f, float high = 1.f) {
  Tensor t = random_tensor(shape, seed, low, high);
  t.set_requires_grad(true);
  return t;
}

// Values whose magnitude is at least `gap` (so a perturbation of h < gap never crosses ReLU's 0).
Tensor away_from_zero(const Shape& shape, uint64_t seed, float gap) {
  std::vector<float> v = random_tensor(shape, seed).to_vector();
  for (float& x : v) x = x >= 0 ? x + gap : x - gap;
  Tensor t = Tensor::from_vector(v, shape);
  t.set_requires_grad(true);
  return t;
}

// Distinct values spaced 0.05 apart in random order: max-pool winners are unique and a
// perturbation of 1e-2 cannot change them.
Tensor distinct_values(const Shape& shape, uint64_t seed) {
  const int64_t n = shape_numel(shape);
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = 0.05f * float(i - n / 2);
  Generator gen(seed);
  for (int64_t i = n - 1; i > 0; --i) {  // Fisher-Yates with the library's generator
    const auto j = static_cast<int64_t>(gen.uniform() * float(i + 1)) % (i + 1);
    std::swap(v[static_cast<size_t>(i)], v[static_cast<size_t>(j)]);
  }
  Tensor t = Tensor::from_vector(v, shape);
  t.set_requires_grad(true);
  return t;
}

}  // namespace

TEST_CASE("gradcheck conv2d: input, weight and bias", "[gradcheck]") {
  struct Case {
    int stride, padding;
  };
  for (const Case c : {Case{1, 0}, Case{1, 1}, Case{2, 1}}) {
    INFO("stride " << c.stride << " padding " << c.padding);
    const std::vector<Tensor> in{leaf({2, 3, 5, 6}, 1), leaf({4, 3, 3, 3}, 2), leaf({4}, 3)};
    const int64_t n = check_gradients(
        [&](const std::vector<Tensor>& t) { return conv2d(t[0], t[1], t[2], c.stride, c.padding); },
        in);
    REQUIRE(n == in[0].numel() + in[1].numel() + in[2].numel());
  }
}

TEST_CASE("gradcheck conv2d without bias", "[gradcheck]") {
  const std::vector<Tensor> in{leaf({1, 2, 4, 4}, 4), leaf({3, 2, 2, 2}, 5)};
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return conv2d(t[0], t[1]); }, in) ==
          in[0].numel() + in[1].numel());
}

TEST_CASE("gradcheck linear", "[gradcheck]") {
  const std::vector<Tensor> in{leaf({3, 7}, 6), leaf({5, 7}, 7), leaf({5}, 8)};
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return linear(t[0], t[1], t[2]); },
                          in) == 3 * 7 + 5 * 7 + 5);
}

TEST_CASE("gradcheck relu away from the kink", "[gradcheck]") {
  const std::vector<Tensor> in{away_from_zero({4, 9}, 9, 0.05f)};
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return relu(t[0]); }, in) == 36);
}

TEST_CASE("gradcheck max_pool2d: disjoint and overlapping windows", "[gradcheck]") {
  struct Case {
    int kernel, stride, padding;
  };
  for (const Case c : {Case{2, 2, 0}, Case{3, 1, 1}, Case{3, 2, 1}}) {
    INFO("kernel " << c.kernel << " stride " << c.stride << " padding " << c.padding);
    const std::vector<Tensor> in{distinct_values({2, 2, 6, 5}, 10)};
    REQUIRE(check_gradients(
                [&](const std::vector<Tensor>& t) {
                  return max_pool2d(t[0], c.kernel, c.stride, c.padding);
                },
                in) == in[0].numel());
  }
}

TEST_CASE("gradcheck softmax and log_softmax", "[gradcheck]") {
  const std::vector<Tensor> in{leaf({3, 5}, 11, -2.f, 2.f)};
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return softmax(t[0]); }, in) == 15);
  REQUIRE(check_gradients([](const std::vector<Tensor>& t) { return log_softmax(t[0]); }, in) ==
          15);
}

TEST_CASE("gradcheck cross_entropy", "[gradcheck]") {
  const std::vector<Tensor> in{leaf({4, 3}, 12, -2.f, 2.f)};
  const std::vector<int32_t> labels{0, 2, 1, 2};
  REQUIRE(check_gradients([&](const std::vector<Tensor>& t) { return cross_entropy(t[0], labels); },
                          in) == 12);
}

TEST_CASE("gradcheck dropout with a fixed mask seed", "[gradcheck]") {
  const std::vector<Tensor> in{leaf({64}, 13)};
  REQUIRE(check_gradients(
              [](const std::vector<Tensor>& t) {
                Generator gen(99);  // the same mask on every evaluation
                return dropout(t[0], 0.3f, true, &gen);
              },
              in) == 64);
}

TEST_CASE("gradcheck elementwise ops and reductions", "[gradcheck]") {
  const std::vector<Tensor> in{leaf({2, 3, 2}, 14), leaf({2, 3, 2}, 15)};
  using Fn = std::function<Tensor(const std::vector<Tensor>&)>;
  const std::vector<std::pair<const char*, Fn>> ops{
      {"add", [](const std::vector<Tensor>& t) { return t[0] + t[1]; }},
      {"sub", [](const std::vector<Tensor>& t) { return t[0] - t[1]; }},
      {"mul", [](const std::vector<Tensor>& t) { return t[0] * t[1]; }},
      {"mul scalar", [](const std::vector<Tensor>& t) { return t[0] * 2.5f + t[1]; }},
      {"sum", [](const std::vector<Tensor>& t) { return sum(t[0] * t[1]); }},
      {"mean", [](const std::vector<Tensor>& t) { return mean(t[0] - t[1]); }},
      {"reshape",
       [](const std::vector<Tensor>& t) {
         return reshape(t[0], {3, -1}) * reshape(t[1], {3, 4});
       }},
      {"flatten", [](const std::vector<Tensor>& t) { return flatten(t[0] * t[1]); }},
      {"x used three times",
       [](const std::vector<Tensor>& t) { return t[0] * t[0] + t[0] * t[1]; }},
  };
  for (const auto& [name, fn] : ops) {
    INFO(name);
    REQUIRE(check_gradients(fn, in) > 0);
  }
}

TEST_CASE("gradcheck a whole network: conv-relu-pool-flatten-linear-cross_entropy", "[gradcheck]") {
  const std::vector<int32_t> labels{1, 0, 2};
  const std::vector<Tensor> in{leaf({3, 2, 6, 6}, 20), leaf({4, 2, 3, 3}, 21, -0.5f, 0.5f),
                               leaf({4}, 22, -0.2f, 0.2f), leaf({3, 36}, 23, -0.3f, 0.3f),
                               leaf({3}, 24, -0.1f, 0.1f)};
  auto features = [](const std::vector<Tensor>& t) { return conv2d(t[0], t[1], t[2], 1, 1); };
  auto net = [&](const std::vector<Tensor>& t) {
    const Tensor h = flatten(max_pool2d(relu(features(t)), 2));
    return cross_entropy(linear(h, t[3], t[4]), labels);
  };
  GradCheckOptions options;
  options.step = 2e-3f;
  options.atol = 1e-3;
  options.rtol = 2e-2;
  // Kinks: the sign of every ReLU input and the winner of every 2x2 pool window.
  options.kink_signature = [&](const std::vector<Tensor>& t) {
    const Tensor pre = features(t);
    const std::vector<float> v = pre.to_vector();
    std::vector<int> sig;
    for (float x : v) sig.push_back(x > 0);
    const Shape& s = pre.shape();
    for (int64_t plane = 0; plane < s[0] * s[1]; ++plane) {
      for (int64_t p = 0; p < s[2] / 2; ++p) {
        for (int64_t q = 0; q < s[3] / 2; ++q) {
          int best = 0;
          float best_v = -1e30f;
          for (int k = 0; k < 4; ++k) {
            const int64_t h = 2 * p + k / 2, w = 2 * q + k % 2;
            const float x = std::max(0.f, v[static_cast<size_t>((plane * s[2] + h) * s[3] + w)]);
            if (x > best_v) best_v = x, best = k;
          }
          sig.push_back(best);
        }
      }
    }
    return sig;
  };
  int64_t total = 0;
  for (const Tensor& t : in) total += t.numel();
  const int64_t compared = check_gradients(net, in, options);
  // Only a handful of elements may sit at a kink; the rest must all be checked.
  REQUIRE(compared > total * 9 / 10);
}
