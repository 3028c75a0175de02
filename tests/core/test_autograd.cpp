// The autograd engine: accumulation, topological order, graph freeing, no-grad mode.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;

namespace {
Tensor leaf(std::vector<float> v) {
  Tensor t = Tensor::from_vector(v, {static_cast<int64_t>(v.size())});
  t.set_requires_grad(true);
  return t;
}
}  // namespace

TEST_CASE("a tensor used on several paths receives the sum of their gradients", "[autograd]") {
  Tensor x = leaf({1, 2, 3});
  Tensor y = leaf({4, 5, 6});
  // L = sum(x*y + x*x + x) -> dL/dx = y + 2x + 1, dL/dy = x
  Tensor loss = sum(x * y + x * x + x);
  REQUIRE(loss.item() == Approx(4 + 10 + 18 + 1 + 4 + 9 + 6));
  loss.backward();
  REQUIRE(x.grad().to_vector() == std::vector<float>{7, 10, 13});
  REQUIRE(y.grad().to_vector() == std::vector<float>{1, 2, 3});
}

TEST_CASE("gradients accumulate across backward calls until zero_grad", "[autograd]") {
  Tensor x = leaf({1, 2});
  sum(x * 3.f).backward();
  sum(x * 3.f).backward();
  REQUIRE(x.grad().to_vector() == std::vector<float>{6, 6});
  x.zero_grad();
  REQUIRE_FALSE(x.grad().defined());
  mean(x).backward();
  REQUIRE(x.grad().to_vector() == std::vector<float>{0.5f, 0.5f});
}

TEST_CASE("a diamond graph is traversed once per node", "[autograd]") {
  Tensor x = leaf({2});
  Tensor a = x * 3.f;  // 6
  Tensor b = a * a;    // 36, db/da = 2a
  Tensor c = a + b;    // dc/da = 1 + 2a = 13
  c.backward();
  REQUIRE(x.grad().to_vector() == std::vector<float>{39});  // 13 * 3
}

TEST_CASE("backward twice through a freed graph is a clear error", "[autograd]") {
  Tensor x = leaf({1, 2});
  Tensor loss = sum(relu(x) * 2.f);
  loss.backward();
  REQUIRE_THROWS_WITH(loss.backward(), Contains("already freed") && Contains("retain_graph"));

  Tensor x2 = leaf({1, 2});
  Tensor loss2 = sum(x2 * 2.f);
  loss2.backward(Tensor(), /*retain_graph=*/true);
  loss2.backward();
  REQUIRE(x2.grad().to_vector() == std::vector<float>{4, 4});
}

TEST_CASE("NoGradGuard records nothing; detach cuts the graph", "[autograd]") {
  Tensor x = leaf({1, 2});
  {
    NoGradGuard guard;
    REQUIRE_FALSE(grad_enabled());
    Tensor y = x * 2.f;
    REQUIRE_FALSE(y.requires_grad());
    REQUIRE(y.grad_fn() == nullptr);
  }
  REQUIRE(grad_enabled());
  Tensor d = (x * 2.f).detach();
  REQUIRE_FALSE(d.requires_grad());
  REQUIRE_THROWS_WITH(sum(d).backward(), Contains("does not require grad"));
}

TEST_CASE("backward of a non-scalar needs a matching grad_output", "[autograd]") {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x * 2.f;
  REQUIRE_THROWS_WITH(y.backward(), Contains("one-element"));
  y.backward(Tensor::from_vector({1, 0, -1}, {3}));
  REQUIRE(x.grad().to_vector() == std::vector<float>{2, 0, -2});
}

TEST_CASE("intermediate results keep no gradient; leaves do", "[autograd]") {
  Tensor x = leaf({1, 2});
  Tensor h = x * 2.f;
  sum(h).backward();
  REQUIRE(x.grad().defined());
  REQUIRE_FALSE(h.grad().defined());
  REQUIRE_FALSE(h.is_leaf());
}
