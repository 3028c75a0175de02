// Elementwise and reduction op cases: fill, axpy, scale, add and mul (also with the output
// aliasing an input, which the contract allows), sum_axis, sum_squares and dropout.
#include <cmath>

#include "kernels/random_hash.h"
#include "kernels/reference/elementwise.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {
// Output placement for add/mul: its own buffer, aliasing an input (allowed by the contract), or
// all three pointers misaligned by different amounts (a vectorised path must check each).
enum class Alias { none, a, b, misaligned };
const char* alias_name(Alias alias) {
  switch (alias) {
    case Alias::a:
      return " (out == a)";
    case Alias::b:
      return " (out == b)";
    case Alias::misaligned:
      return " (misaligned)";
    default:
      return "";
  }
}
}  // namespace

std::vector<OpCase> elementwise_cases() {
  std::vector<OpCase> cases;
  for (const VectorProblem& p : vector_problems()) {
    const int64_t n = p.n;

    cases.push_back({"fill", p.name, p.large, [=](Backend& b) {
                       BackendArray<float> dx(b, n);
                       b.fill(n, -0.375f, dx.data());
                       return std::vector<Comparison>{
                           compare_exact("x", dx.download(),
                                         std::vector<double>(static_cast<size_t>(n), -0.375))};
                     }});

    cases.push_back({"axpy", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("axpy", p.name));
                       const auto x = rng.uniform_vector(n), y = rng.uniform_vector(n);
                       const float alpha = -0.7f;
                       BackendArray<float> dx(b, x), dy(b, y);
                       b.axpy(n, alpha, dx.data(), dy.data());
                       auto ref_y = to_double(y);
                       const auto xd = to_double(x);
                       ref::axpy<double>(n, alpha, xd.data(), ref_y.data());
                       std::vector<float> scale(static_cast<size_t>(n));
                       for (size_t i = 0; i < scale.size(); ++i)
                         scale[i] = std::fabs(y[i]) + std::fabs(alpha * xd[i]);
                       return std::vector<Comparison>{
                           compare_scaled("y", dy.download(), ref_y, scale, kElementwiseTolerance)};
                     }});

    cases.push_back({"scale", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("scale", p.name));
                       const auto x = rng.uniform_vector(n);
                       BackendArray<float> dx(b, x);
                       b.scale(n, 1.3f, dx.data());
                       auto ref_x = to_double(x);
                       ref::scale<double>(n, 1.3f, ref_x.data());
                       return std::vector<Comparison>{
                           compare_relative("x", dx.download(), ref_x, kElementwiseTolerance)};
                     }});

    for (const Alias alias : {Alias::none, Alias::a, Alias::b, Alias::misaligned}) {
      for (const bool is_add : {true, false}) {
        const std::string op = std::string(is_add ? "add" : "mul") + alias_name(alias);
        cases.push_back({op, p.name, p.large, [=](Backend& b) {
                           Rng rng(seed_of(op, p.name));
                           const auto a = rng.uniform_vector(n), bv = rng.uniform_vector(n);
                           const bool skew = alias == Alias::misaligned;
                           BackendArray<float> da(b, a, skew ? 1 : 0), db(b, bv, skew ? 2 : 0),
                               dout(b, n, skew ? 3 : 0);
                           float* out = alias == Alias::a   ? da.data()
                                        : alias == Alias::b ? db.data()
                                                            : dout.data();
                           if (is_add)
                             b.add(n, da.data(), db.data(), out);
                           else
                             b.mul(n, da.data(), db.data(), out);
                           const auto ad = to_double(a), bd = to_double(bv);
                           std::vector<double> ref_out(static_cast<size_t>(n));
                           std::vector<float> scale(static_cast<size_t>(n));
                           if (is_add)
                             ref::add<double>(n, ad.data(), bd.data(), ref_out.data());
                           else
                             ref::mul<double>(n, ad.data(), bd.data(), ref_out.data());
                           for (size_t i = 0; i < scale.size(); ++i)
                             scale[i] = is_add ? std::fabs(ad[i]) + std::fabs(bd[i])
                                               : std::fabs(ad[i] * bd[i]);
                           const auto got = alias == Alias::a   ? da.download()
                                            : alias == Alias::b ? db.download()
                                                                : dout.download();
                           return std::vector<Comparison>{
                               compare_scaled("out", got, ref_out, scale, kElementwiseTolerance)};
                         }});
      }
    }

    cases.push_back({"sum_squares", p.name, p.large, [=](Backend& b) {
                       Rng rng(seed_of("sum_squares", p.name));
                       const auto x = rng.uniform_vector(n);
                       BackendArray<float> dx(b, x), dout(b, 1);
                       b.sum_squares(n, dx.data(), dout.data());
                       std::vector<double> ref_out(1);
                       const auto xd = to_double(x);
                       ref::sum_squares<double>(n, xd.data(), ref_out.data());
                       // All terms are >= 0, so the absolute-sum scale is the result itself.
                       return std::vector<Comparison>{
                           compare_relative("out", dout.download(), ref_out, kSumTolerance)};
                     }});

    for (const float drop : {0.f, 0.3f, 0.5f, 1.f}) {
      const std::string op = "dropout_forward p=" + std::to_string(drop).substr(0, 3);
      cases.push_back(
          {op, p.name, p.large, [=](Backend& b) {
             Rng rng(seed_of(op, p.name));
             const auto x = rng.uniform_vector(n);
             const uint64_t seed = rng.next();
             BackendArray<float> dx(b, x), dy(b, n), dmask(b, n);
             b.dropout_forward(n, drop, seed, dx.data(), dy.data(), dmask.data());
             std::vector<double> ref_y(static_cast<size_t>(n)), ref_mask(static_cast<size_t>(n));
             const auto xd = to_double(x);
             ref::dropout_forward<double>(n, drop, seed, xd.data(), ref_y.data(), ref_mask.data());
             // The keep/drop pattern must match exactly (kernels/random_hash.h);
             // the kept scale 1/(1-p) may differ by rounding.
             return std::vector<Comparison>{
                 compare_relative("mask", dmask.download(), ref_mask, kElementwiseTolerance),
                 compare_relative("y", dy.download(), ref_y, kElementwiseTolerance)};
           }});
    }
  }

  for (const SumAxisProblem& p : sum_axis_problems()) {
    cases.push_back(
        {"sum_axis", p.name, false, [=](Backend& b) {
           Rng rng(seed_of("sum_axis", p.name));
           const auto x = rng.uniform_vector(p.outer * p.axis * p.inner);
           BackendArray<float> dx(b, x), dy(b, p.outer * p.inner);
           b.sum_axis(p.outer, p.axis, p.inner, dx.data(), dy.data());
           std::vector<double> ref_y(static_cast<size_t>(p.outer * p.inner));
           std::vector<float> scale(ref_y.size());
           const auto xa = abs_of(x);
           ref::sum_axis<float, double>(p.outer, p.axis, p.inner, x.data(), ref_y.data());
           ref::sum_axis<float, float>(p.outer, p.axis, p.inner, xa.data(), scale.data());
           return std::vector<Comparison>{
               compare_scaled("y", dy.download(), ref_y, scale, kSumTolerance)};
         }});
  }
  return cases;
}

}  // namespace cnn::test
