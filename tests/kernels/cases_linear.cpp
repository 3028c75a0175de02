// linear op cases: forward (with and without bias), backward data, weight and bias, for every
// problem of linear_problems(). The scale each output is judged against is the same op run on
// |inputs| (see compare.h). Backend buffers are released before the reference runs: the fc7
// weight (1024 x 80000) is 328 MB per float copy.
#include "kernels/reference/linear.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

std::vector<OpCase> linear_cases() {
  std::vector<OpCase> cases;
  for (const LinearProblem& p : linear_problems()) {
    const LinearShape s = p.shape;
    const int64_t x_size = int64_t(s.M) * s.K, w_size = int64_t(s.N) * s.K,
                  y_size = int64_t(s.M) * s.N;

    // The misaligned variant offsets x, w, bias and y by different element counts, so no
    // pointer is 16-byte aligned: vectorised loads and stores must check (seed layers excluded).
    for (const bool skew : {false, true}) {
      if (skew && p.large) continue;
      cases.push_back(
          {skew ? "linear_forward (misaligned)" : "linear_forward", p.name, p.large,
           [=](Backend& b) {
             Rng rng(seed_of("linear_forward", p.name));
             const auto x = rng.uniform_vector(x_size), w = rng.uniform_vector(w_size);
             const auto bias = rng.uniform_vector(s.N);
             std::vector<float> got;
             {
               BackendArray<float> bx(b, x, skew ? 1 : 0), bw(b, w, skew ? 2 : 0),
                   bbias(b, bias, skew ? 3 : 0), by(b, y_size, skew ? 1 : 0);
               b.linear_forward(s, bx.data(), bw.data(), p.with_bias ? bbias.data() : nullptr,
                                by.data());
               got = by.download();
             }
             std::vector<double> want(static_cast<size_t>(y_size));
             std::vector<float> scale(static_cast<size_t>(y_size));
             ref::linear_forward<float, double>(s, x.data(), w.data(),
                                                p.with_bias ? bias.data() : nullptr, want.data());
             const auto xa = abs_of(x), wa = abs_of(w), ba = abs_of(bias);
             ref::linear_forward<float, float>(s, xa.data(), wa.data(),
                                               p.with_bias ? ba.data() : nullptr, scale.data());
             return std::vector<Comparison>{compare_scaled("y", got, want, scale, kSumTolerance)};
           }});
    }

    cases.push_back(
        {"linear_backward_data", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("linear_backward_data", p.name));
           const auto dy = rng.uniform_vector(y_size), w = rng.uniform_vector(w_size);
           std::vector<float> got;
           {
             BackendArray<float> bdy(b, dy), bw(b, w), bdx(b, x_size);
             b.linear_backward_data(s, bdy.data(), bw.data(), bdx.data());
             got = bdx.download();
           }
           std::vector<double> want(static_cast<size_t>(x_size));
           std::vector<float> scale(static_cast<size_t>(x_size));
           ref::linear_backward_data<float, double>(s, dy.data(), w.data(), want.data());
           const auto dya = abs_of(dy), wa = abs_of(w);
           ref::linear_backward_data<float, float>(s, dya.data(), wa.data(), scale.data());
           return std::vector<Comparison>{compare_scaled("dx", got, want, scale, kSumTolerance)};
         }});

    cases.push_back(
        {"linear_backward_weight", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("linear_backward_weight", p.name));
           const auto dy = rng.uniform_vector(y_size), x = rng.uniform_vector(x_size);
           std::vector<float> got;
           {
             BackendArray<float> bdy(b, dy), bx(b, x), bdw(b, w_size);
             b.linear_backward_weight(s, bdy.data(), bx.data(), bdw.data());
             got = bdw.download();
           }
           std::vector<double> want(static_cast<size_t>(w_size));
           std::vector<float> scale(static_cast<size_t>(w_size));
           ref::linear_backward_weight<float, double>(s, dy.data(), x.data(), want.data());
           const auto dya = abs_of(dy), xa = abs_of(x);
           ref::linear_backward_weight<float, float>(s, dya.data(), xa.data(), scale.data());
           return std::vector<Comparison>{compare_scaled("dw", got, want, scale, kSumTolerance)};
         }});

    cases.push_back({"linear_backward_bias", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("linear_backward_bias", p.name));
                       const auto dy = rng.uniform_vector(y_size);
                       std::vector<float> got;
                       {
                         BackendArray<float> bdy(b, dy), bdb(b, s.N);
                         b.linear_backward_bias(s, bdy.data(), bdb.data());
                         got = bdb.download();
                       }
                       std::vector<double> want(static_cast<size_t>(s.N));
                       std::vector<float> scale(static_cast<size_t>(s.N));
                       ref::linear_backward_bias<float, double>(s, dy.data(), want.data());
                       const auto dya = abs_of(dy);
                       ref::linear_backward_bias<float, float>(s, dya.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("db", got, want, scale, kSumTolerance)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
