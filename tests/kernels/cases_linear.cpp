// linear op cases: forward (with and without bias), backward data, weight and bias, for every
// problem of linear_problems(). Scales for the comparison are the same op run on |inputs|.
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

    cases.push_back({"linear_forward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("linear_forward", p.name));
                       const auto x = rng.uniform_vector(x_size), w = rng.uniform_vector(w_size);
                       const auto bias = rng.uniform_vector(s.N);
                       BackendArray<float> dx(b, x), dw(b, w), dbias(b, bias), dy(b, y_size);
                       b.linear_forward(s, dx.data(), dw.data(),
                                        p.with_bias ? dbias.data() : nullptr, dy.data());
                       std::vector<double> ref_y(static_cast<size_t>(y_size)),
                           scale(static_cast<size_t>(y_size));
                       const auto xd = to_double(x), wd = to_double(w), bd = to_double(bias);
                       const auto xa = abs_of(x), wa = abs_of(w), ba = abs_of(bias);
                       ref::linear_forward<double>(s, xd.data(), wd.data(),
                                                   p.with_bias ? bd.data() : nullptr, ref_y.data());
                       ref::linear_forward<double>(s, xa.data(), wa.data(),
                                                   p.with_bias ? ba.data() : nullptr, scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("y", dy.download(), ref_y, scale, kSumTolerance)};
                     }});

    cases.push_back({"linear_backward_data", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("linear_backward_data", p.name));
                       const auto dy = rng.uniform_vector(y_size), w = rng.uniform_vector(w_size);
                       BackendArray<float> ddy(b, dy), dw(b, w), ddx(b, x_size);
                       b.linear_backward_data(s, ddy.data(), dw.data(), ddx.data());
                       std::vector<double> ref_dx(static_cast<size_t>(x_size)),
                           scale(static_cast<size_t>(x_size));
                       const auto dyd = to_double(dy), wd = to_double(w);
                       const auto dya = abs_of(dy), wa = abs_of(w);
                       ref::linear_backward_data<double>(s, dyd.data(), wd.data(), ref_dx.data());
                       ref::linear_backward_data<double>(s, dya.data(), wa.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("dx", ddx.download(), ref_dx, scale, kSumTolerance)};
                     }});

    cases.push_back({"linear_backward_weight", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("linear_backward_weight", p.name));
                       const auto dy = rng.uniform_vector(y_size), x = rng.uniform_vector(x_size);
                       BackendArray<float> ddy(b, dy), dx(b, x), ddw(b, w_size);
                       b.linear_backward_weight(s, ddy.data(), dx.data(), ddw.data());
                       std::vector<double> ref_dw(static_cast<size_t>(w_size)),
                           scale(static_cast<size_t>(w_size));
                       const auto dyd = to_double(dy), xd = to_double(x);
                       const auto dya = abs_of(dy), xa = abs_of(x);
                       ref::linear_backward_weight<double>(s, dyd.data(), xd.data(), ref_dw.data());
                       ref::linear_backward_weight<double>(s, dya.data(), xa.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("dw", ddw.download(), ref_dw, scale, kSumTolerance)};
                     }});

    cases.push_back({"linear_backward_bias", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("linear_backward_bias", p.name));
                       const auto dy = rng.uniform_vector(y_size);
                       BackendArray<float> ddy(b, dy), ddb(b, s.N);
                       b.linear_backward_bias(s, ddy.data(), ddb.data());
                       std::vector<double> ref_db(static_cast<size_t>(s.N)),
                           scale(static_cast<size_t>(s.N));
                       const auto dyd = to_double(dy), dya = abs_of(dy);
                       ref::linear_backward_bias<double>(s, dyd.data(), ref_db.data());
                       ref::linear_backward_bias<double>(s, dya.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("db", ddb.download(), ref_db, scale, kSumTolerance)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
