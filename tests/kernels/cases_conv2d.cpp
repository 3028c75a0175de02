// conv2d op cases: forward (with and without bias), backward data, weight and bias, for every
// problem of conv2d_problems(). Scales for the comparison are the same conv run on |inputs|.
#include <cmath>

#include "kernels/reference/conv2d.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

std::vector<OpCase> conv2d_cases() {
  std::vector<OpCase> cases;
  for (const Conv2dProblem& p : conv2d_problems()) {
    const Conv2dShape s = p.shape;
    const size_t x_size = size_t(s.input_size()), w_size = size_t(s.weight_size()),
                 y_size = size_t(s.output_size());

    cases.push_back({"conv2d_forward", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("conv2d_forward", p.name));
                       const auto x = rng.uniform_vector(s.input_size());
                       const auto w = rng.uniform_vector(s.weight_size());
                       const auto bias = rng.uniform_vector(s.K);
                       BackendArray<float> dx(b, x), dw(b, w), dbias(b, bias),
                           dy(b, s.output_size());
                       b.conv2d_forward(s, dx.data(), dw.data(),
                                        p.with_bias ? dbias.data() : nullptr, dy.data());
                       std::vector<double> ref_y(y_size), scale(y_size);
                       const auto xd = to_double(x), wd = to_double(w), bd = to_double(bias);
                       const auto xa = abs_of(x), wa = abs_of(w), ba = abs_of(bias);
                       ref::conv2d_forward<double>(s, xd.data(), wd.data(),
                                                   p.with_bias ? bd.data() : nullptr, ref_y.data());
                       ref::conv2d_forward<double>(s, xa.data(), wa.data(),
                                                   p.with_bias ? ba.data() : nullptr, scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("y", dy.download(), ref_y, scale, kSumTolerance)};
                     }});

    cases.push_back({"conv2d_backward_data", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("conv2d_backward_data", p.name));
                       const auto dy = rng.uniform_vector(s.output_size());
                       const auto w = rng.uniform_vector(s.weight_size());
                       BackendArray<float> ddy(b, dy), dw(b, w), ddx(b, s.input_size());
                       b.conv2d_backward_data(s, ddy.data(), dw.data(), ddx.data());
                       std::vector<double> ref_dx(x_size), scale(x_size);
                       const auto dyd = to_double(dy), wd = to_double(w);
                       const auto dya = abs_of(dy), wa = abs_of(w);
                       ref::conv2d_backward_data<double>(s, dyd.data(), wd.data(), ref_dx.data());
                       ref::conv2d_backward_data<double>(s, dya.data(), wa.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("dx", ddx.download(), ref_dx, scale, kSumTolerance)};
                     }});

    cases.push_back({"conv2d_backward_weight", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("conv2d_backward_weight", p.name));
                       const auto x = rng.uniform_vector(s.input_size());
                       const auto dy = rng.uniform_vector(s.output_size());
                       BackendArray<float> dx(b, x), ddy(b, dy), ddw(b, s.weight_size());
                       b.conv2d_backward_weight(s, dx.data(), ddy.data(), ddw.data());
                       std::vector<double> ref_dw(w_size), scale(w_size);
                       const auto xd = to_double(x), dyd = to_double(dy);
                       const auto xa = abs_of(x), dya = abs_of(dy);
                       ref::conv2d_backward_weight<double>(s, xd.data(), dyd.data(), ref_dw.data());
                       ref::conv2d_backward_weight<double>(s, xa.data(), dya.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("dw", ddw.download(), ref_dw, scale, kSumTolerance)};
                     }});

    cases.push_back({"conv2d_backward_bias", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("conv2d_backward_bias", p.name));
                       const auto dy = rng.uniform_vector(s.output_size());
                       BackendArray<float> ddy(b, dy), ddb(b, s.K);
                       b.conv2d_backward_bias(s, ddy.data(), ddb.data());
                       std::vector<double> ref_db(static_cast<size_t>(s.K)),
                           scale(static_cast<size_t>(s.K));
                       const auto dyd = to_double(dy), dya = abs_of(dy);
                       ref::conv2d_backward_bias<double>(s, dyd.data(), ref_db.data());
                       ref::conv2d_backward_bias<double>(s, dya.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("db", ddb.download(), ref_db, scale, kSumTolerance)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
