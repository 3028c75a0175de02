// max_pool2d op cases: forward (values and argmax exact) and backward (scatter through argmax,
// overlapping windows accumulate), for every problem of max_pool2d_problems().
#include <algorithm>
#include <numeric>

#include "kernels/reference/max_pool2d.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {
// Inputs with no ties inside a plane (a shuffled ladder of distinct multiples of 2^-10, exact in
// float), or, for tie problems, values from {0, 1, 2} so most windows hold ties.
std::vector<float> pool_input(Rng& rng, const MaxPool2dProblem& p) {
  const auto& s = p.shape;
  const int64_t plane = int64_t(s.H) * s.W;
  std::vector<float> x(static_cast<size_t>(s.input_size()));
  std::vector<int64_t> ladder(static_cast<size_t>(plane));
  for (int64_t base = 0; base < s.input_size(); base += plane) {
    if (p.ties) {
      for (int64_t i = 0; i < plane; ++i) x[size_t(base + i)] = float(rng.uniform_int(0, 2));
      continue;
    }
    std::iota(ladder.begin(), ladder.end(), int64_t(0));
    for (int64_t i = plane - 1; i > 0; --i)  // Fisher-Yates with our portable Rng
      std::swap(ladder[size_t(i)], ladder[size_t(rng.next() % uint64_t(i + 1))]);
    for (int64_t i = 0; i < plane; ++i)
      x[size_t(base + i)] = float(ladder[size_t(i)] - plane / 2) / 1024.f;
  }
  return x;
}
}  // namespace

std::vector<OpCase> max_pool2d_cases() {
  std::vector<OpCase> cases;
  for (const MaxPool2dProblem& p : max_pool2d_problems()) {
    const MaxPool2dShape s = p.shape;
    const auto y_size = static_cast<size_t>(s.output_size());
    const auto x_size = static_cast<size_t>(s.input_size());

    cases.push_back(
        {"max_pool2d_forward", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("max_pool2d_forward", p.name));
           const auto x = pool_input(rng, p);
           std::vector<float> got;
           std::vector<int32_t> got_argmax;
           {
             BackendArray<float> bx(b, x), by(b, s.output_size());
             BackendArray<int32_t> bargmax(b, s.output_size());
             b.max_pool2d_forward(s, bx.data(), by.data(), bargmax.data());
             got = by.download();
             got_argmax = bargmax.download();
           }
           std::vector<double> want(y_size);
           std::vector<int32_t> want_argmax(y_size);
           ref::max_pool2d_forward<float, double>(s, x.data(), want.data(), want_argmax.data());
           return std::vector<Comparison>{compare_exact("y", got, want),
                                          compare_exact("argmax", got_argmax, want_argmax)};
         }});

    cases.push_back(
        {"max_pool2d_backward", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("max_pool2d_backward", p.name));
           const auto x = pool_input(rng, p);
           const auto dy = rng.uniform_vector(s.output_size());
           std::vector<float> y_unused(y_size);
           std::vector<int32_t> argmax(y_size);
           ref::max_pool2d_forward<float>(s, x.data(), y_unused.data(), argmax.data());
           std::vector<float> got;
           {
             BackendArray<float> bdy(b, dy), bdx(b, s.input_size());
             BackendArray<int32_t> bargmax(b, argmax);
             b.max_pool2d_backward(s, bdy.data(), bargmax.data(), bdx.data());
             got = bdx.download();
           }
           std::vector<double> want(x_size);
           std::vector<float> scale(x_size);
           const auto dya = abs_of(dy);
           ref::max_pool2d_backward<float, double>(s, dy.data(), argmax.data(), want.data());
           ref::max_pool2d_backward<float, float>(s, dya.data(), argmax.data(), scale.data());
           return std::vector<Comparison>{compare_scaled("dx", got, want, scale, kSumTolerance)};
         }});
  }
  return cases;
}

}  // namespace cnn::test
