// conv2d op cases: forward (with and without bias), backward data, weight and bias, for every
// problem of conv2d_problems(). The scale each output is judged against is the same op run on
// |inputs| (see compare.h). Backend buffers are released before the reference runs, to keep the
// peak memory of the seed-network layers down.
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
    const auto x_size = static_cast<size_t>(s.input_size());
    const auto w_size = static_cast<size_t>(s.weight_size());
    const auto y_size = static_cast<size_t>(s.output_size());

    cases.push_back(
        {"conv2d_forward", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("conv2d_forward", p.name));
           const auto x = rng.uniform_vector(s.input_size());
           const auto w = rng.uniform_vector(s.weight_size());
           const auto bias = rng.uniform_vector(s.K);
           std::vector<float> got;
           {
             BackendArray<float> bx(b, x), bw(b, w), bbias(b, bias), by(b, y_size);
             b.conv2d_forward(s, bx.data(), bw.data(), p.with_bias ? bbias.data() : nullptr,
                              by.data());
             got = by.download();
           }
           std::vector<double> want(y_size);
           std::vector<float> scale(y_size);
           ref::conv2d_forward<float, double>(s, x.data(), w.data(),
                                              p.with_bias ? bias.data() : nullptr, want.data());
           const auto xa = abs_of(x), wa = abs_of(w), ba = abs_of(bias);
           ref::conv2d_forward<float, float>(s, xa.data(), wa.data(),
                                             p.with_bias ? ba.data() : nullptr, scale.data());
           return std::vector<Comparison>{compare_scaled("y", got, want, scale, kSumTolerance)};
         }});

    cases.push_back(
        {"conv2d_backward_data", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("conv2d_backward_data", p.name));
           const auto dy = rng.uniform_vector(s.output_size());
           const auto w = rng.uniform_vector(s.weight_size());
           std::vector<float> got;
           {
             BackendArray<float> bdy(b, dy), bw(b, w), bdx(b, x_size);
             b.conv2d_backward_data(s, bdy.data(), bw.data(), bdx.data());
             got = bdx.download();
           }
           std::vector<double> want(x_size);
           std::vector<float> scale(x_size);
           ref::conv2d_backward_data<float, double>(s, dy.data(), w.data(), want.data());
           const auto dya = abs_of(dy), wa = abs_of(w);
           ref::conv2d_backward_data<float, float>(s, dya.data(), wa.data(), scale.data());
           return std::vector<Comparison>{compare_scaled("dx", got, want, scale, kSumTolerance)};
         }});

    cases.push_back(
        {"conv2d_backward_weight", p.name, p.large, [=](Backend& b) {
           Rng rng(seed_of("conv2d_backward_weight", p.name));
           const auto x = rng.uniform_vector(s.input_size());
           const auto dy = rng.uniform_vector(s.output_size());
           std::vector<float> got;
           {
             BackendArray<float> bx(b, x), bdy(b, dy), bdw(b, w_size);
             b.conv2d_backward_weight(s, bx.data(), bdy.data(), bdw.data());
             got = bdw.download();
           }
           std::vector<double> want(w_size);
           std::vector<float> scale(w_size);
           ref::conv2d_backward_weight<float, double>(s, x.data(), dy.data(), want.data());
           const auto xa = abs_of(x), dya = abs_of(dy);
           ref::conv2d_backward_weight<float, float>(s, xa.data(), dya.data(), scale.data());
           return std::vector<Comparison>{compare_scaled("dw", got, want, scale, kSumTolerance)};
         }});

    cases.push_back({"conv2d_backward_bias", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("conv2d_backward_bias", p.name));
                       const auto dy = rng.uniform_vector(s.output_size());
                       std::vector<float> got;
                       {
                         BackendArray<float> bdy(b, dy), bdb(b, s.K);
                         b.conv2d_backward_bias(s, bdy.data(), bdb.data());
                         got = bdb.download();
                       }
                       std::vector<double> want(static_cast<size_t>(s.K));
                       std::vector<float> scale(static_cast<size_t>(s.K));
                       ref::conv2d_backward_bias<float, double>(s, dy.data(), want.data());
                       const auto dya = abs_of(dy);
                       ref::conv2d_backward_bias<float, float>(s, dya.data(), scale.data());
                       return std::vector<Comparison>{
                           compare_scaled("db", got, want, scale, kSumTolerance)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
