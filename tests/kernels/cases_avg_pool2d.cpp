// avg_pool2d op cases: forward and backward for every problem of avg_pool2d_problems() (which
// includes global pooling, kernel = H x W), both divisor rules. Both directions are sums of
// kernel-sized (or overlapping-window) terms, judged against the absolute-sum scale with
// kSumTolerance: the same kernel run on |x| (forward) or |dy| (backward).
#include "kernels/reference/avg_pool2d.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

std::vector<OpCase> avg_pool2d_cases() {
  std::vector<OpCase> cases;
  for (const AvgPool2dProblem& p : avg_pool2d_problems()) {
    const AvgPool2dShape s = p.shape;
    const auto y_size = static_cast<size_t>(s.output_size());
    const auto x_size = static_cast<size_t>(s.input_size());

    cases.push_back({"avg_pool2d_forward", p.name, false, [=](Backend& b) {
                       Rng rng(seed_of("avg_pool2d_forward", p.name));
                       const auto x = rng.uniform_vector(s.input_size());
                       std::vector<float> got;
                       {
                         BackendArray<float> bx(b, x), by(b, s.output_size(), 1);
                         b.avg_pool2d_forward(s, bx.data(), by.data());
                         got = by.download();
                       }
                       std::vector<double> want(y_size);
                       std::vector<float> scale(y_size);
                       const auto xa = abs_of(x);
                       ref::avg_pool2d_forward<float, double>(s, x.data(), want.data());
                       ref::avg_pool2d_forward<float, float>(s, xa.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("y", got, want, scale, kSumTolerance)};
                     }});

    cases.push_back({"avg_pool2d_backward", p.name, false, [=](Backend& b) {
                       Rng rng(seed_of("avg_pool2d_backward", p.name));
                       const auto dy = rng.uniform_vector(s.output_size());
                       std::vector<float> got;
                       {
                         BackendArray<float> bdy(b, dy), bdx(b, s.input_size(), 1);
                         b.avg_pool2d_backward(s, bdy.data(), bdx.data());
                         got = bdx.download();
                       }
                       std::vector<double> want(x_size);
                       std::vector<float> scale(x_size);
                       const auto dya = abs_of(dy);
                       ref::avg_pool2d_backward<float, double>(s, dy.data(), want.data());
                       ref::avg_pool2d_backward<float, float>(s, dya.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("dx", got, want, scale, kSumTolerance)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
