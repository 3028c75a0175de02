// ReLU op cases, out of place and in place (the contract allows y == x and dx == dy). Inputs hold
// exact zeros (and negative zeros) so the kink rule "gradient 0 at x == 0" is checked. Exact.
#include "kernels/reference/relu.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {
std::vector<float> relu_input(Rng& rng, int64_t n) {
  auto x = rng.uniform_vector(n);
  for (int64_t i = 0; i < n; i += 7) x[size_t(i)] = (i % 14 == 0) ? 0.f : -0.f;
  return x;
}
}  // namespace

std::vector<OpCase> relu_cases() {
  std::vector<OpCase> cases;
  for (const VectorProblem& p : relu_problems()) {
    const int64_t n = p.n;
    for (const bool in_place : {false, true}) {
      const std::string where = in_place ? " (in place)" : "";
      cases.push_back({"relu_forward" + where, p.name, p.large, [=](Backend& b) {
                         Rng rng(seed_of("relu_forward", p.name));
                         const auto x = relu_input(rng, n);
                         BackendArray<float> dx(b, x), dy(b, in_place ? 0 : n);
                         float* y = in_place ? dx.data() : dy.data();
                         b.relu_forward(n, dx.data(), y);
                         std::vector<double> ref_y(static_cast<size_t>(n));
                         ref::relu_forward<float, double>(n, x.data(), ref_y.data());
                         return std::vector<Comparison>{
                             compare_exact("y", in_place ? dx.download() : dy.download(), ref_y)};
                       }});
      cases.push_back({"relu_backward" + where, p.name, p.large, [=](Backend& b) {
                         Rng rng(seed_of("relu_backward", p.name));
                         const auto x = relu_input(rng, n);
                         const auto dy = rng.uniform_vector(n);
                         BackendArray<float> dx_in(b, x), ddy(b, dy), ddx(b, in_place ? 0 : n);
                         float* dx = in_place ? ddy.data() : ddx.data();
                         b.relu_backward(n, dx_in.data(), ddy.data(), dx);
                         std::vector<double> ref_dx(static_cast<size_t>(n));
                         ref::relu_backward<float, double>(n, x.data(), dy.data(), ref_dx.data());
                         return std::vector<Comparison>{compare_exact(
                             "dx", in_place ? ddy.download() : ddx.download(), ref_dx)};
                       }});
    }
  }
  return cases;
}

}  // namespace cnn::test
