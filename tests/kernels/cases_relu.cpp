// ReLU op cases, out of place, in place (the contract allows y == x and dx == dy) and on
// misaligned pointers (input and output misaligned differently). Inputs hold exact zeros and
// negative zeros so the kink rule "gradient 0 at x == 0" is checked. Exact comparisons.
#include "kernels/reference/relu.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {
// Random values with exact zeros and negative zeros (the kink) every 7 elements from index 3,
// and a negative first element, so even n = 1 has an output that differs from its input.
std::vector<float> relu_input(Rng& rng, int64_t n) {
  auto x = rng.uniform_vector(n);
  for (int64_t i = 3; i < n; i += 7) x[size_t(i)] = (i % 14 == 3) ? 0.f : -0.f;
  x[0] = -0.25f;
  return x;
}

enum class Layout { separate, in_place, misaligned };
const char* layout_name(Layout l) {
  return l == Layout::separate ? "" : l == Layout::in_place ? " (in place)" : " (misaligned)";
}
// Element offsets of input and output for the misaligned layout: 4 and 12 bytes off a 16-byte
// boundary, and off each other.
constexpr int kInOffset = 1, kOutOffset = 3;
}  // namespace

std::vector<OpCase> relu_cases() {
  std::vector<OpCase> cases;
  for (const VectorProblem& p : relu_problems()) {
    const int64_t n = p.n;
    for (const Layout layout : {Layout::separate, Layout::in_place, Layout::misaligned}) {
      const bool in_place = layout == Layout::in_place;
      const int in_off = layout == Layout::misaligned ? kInOffset : 0;
      const int out_off = layout == Layout::misaligned ? kOutOffset : 0;
      cases.push_back(
          {std::string("relu_forward") + layout_name(layout), p.name, p.large, [=](Backend& b) {
             Rng rng(seed_of("relu_forward", p.name));
             const auto x = relu_input(rng, n);
             BackendArray<float> bx(b, x, in_off), by(b, in_place ? 0 : n, out_off);
             b.relu_forward(n, bx.data(), in_place ? bx.data() : by.data());
             std::vector<double> want(static_cast<size_t>(n));
             ref::relu_forward<float, double>(n, x.data(), want.data());
             return std::vector<Comparison>{
                 compare_exact("y", in_place ? bx.download() : by.download(), want)};
           }});
      cases.push_back(
          {std::string("relu_backward") + layout_name(layout), p.name, p.large, [=](Backend& b) {
             Rng rng(seed_of("relu_backward", p.name));
             const auto x = relu_input(rng, n);
             const auto dy = rng.uniform_vector(n);
             BackendArray<float> bx(b, x, in_off), bdy(b, dy, in_off),
                 bdx(b, in_place ? 0 : n, out_off);
             b.relu_backward(n, bx.data(), bdy.data(), in_place ? bdy.data() : bdx.data());
             std::vector<double> want(static_cast<size_t>(n));
             ref::relu_backward<float, double>(n, x.data(), dy.data(), want.data());
             return std::vector<Comparison>{
                 compare_exact("dx", in_place ? bdy.download() : bdx.download(), want)};
           }});
    }
  }
  return cases;
}

}  // namespace cnn::test
