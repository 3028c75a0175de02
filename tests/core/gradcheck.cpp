// Finite-difference gradient checker (see gradcheck.h).
#include "gradcheck.h"

#include <catch2/catch.hpp>

#include <cmath>

namespace cnn::testing {
namespace {

double weighted_sum(const Tensor& y, const std::vector<float>& r) {
  const std::vector<float> v = y.to_vector();
  double s = 0;
  for (size_t i = 0; i < v.size(); ++i) s += double(v[i]) * double(r[i]);
  return s;
}

}  // namespace

int64_t check_gradients(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                        const std::vector<Tensor>& inputs, const GradCheckOptions& options) {
  for (Tensor t : inputs) {
    if (t.defined()) t.zero_grad();
  }
  const Tensor y = f(inputs);
  Generator gen(12345);
  const Tensor r = Tensor::rand(y.shape(), y.device(), &gen, -1.f, 1.f);
  const std::vector<float> rv = r.to_vector();
  y.backward(r);

  std::vector<int> reference_signature;
  if (options.kink_signature) {
    NoGradGuard no_grad;
    reference_signature = options.kink_signature(inputs);
  }
  int64_t compared = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    if (!x.defined() || !x.requires_grad()) continue;
    REQUIRE(x.grad().defined());
    const std::vector<float> analytic = x.grad().to_vector();
    const std::vector<float> base = x.to_vector();
    for (int64_t j = 0; j < x.numel(); ++j) {
      auto perturbed = [&](float delta) {
        std::vector<float> v = base;
        v[static_cast<size_t>(j)] += delta;
        std::vector<Tensor> p = inputs;
        p[i] = Tensor::from_vector(v, x.shape(), x.device());
        return p;
      };
      const std::vector<Tensor> plus = perturbed(options.step), minus = perturbed(-options.step);
      NoGradGuard no_grad;
      if (options.kink_signature && (options.kink_signature(plus) != reference_signature ||
                                     options.kink_signature(minus) != reference_signature)) {
        continue;
      }
      const double numeric =
          (weighted_sum(f(plus), rv) - weighted_sum(f(minus), rv)) / (2.0 * options.step);
      const double a = analytic[static_cast<size_t>(j)];
      INFO("input " << i << " element " << j << ": autograd " << a << ", finite difference "
                    << numeric);
      REQUIRE(std::abs(a - numeric) <= options.atol + options.rtol * std::abs(numeric));
      ++compared;
    }
  }
  return compared;
}

}  // namespace cnn::testing
