// Finite-difference gradient checking in double precision (caffe's GradientChecker is the model).
//
// A kernel's backward is checked against its own forward: for a random upstream gradient c, the
// objective L(x) = sum_j c_j f(x)_j has dL/dx = backward(c). Each input element is nudged by +-step
// and the central difference (L(x+h) - L(x-h)) / 2h is compared with the analytic gradient.
// In double with h = 1e-5, rounding adds about 1e-16 * |L| / h ~ 1e-10 and truncation h^2 * L'''
// ~ 1e-10, so a threshold of 1e-6 relative to max(|analytic|, |numeric|, 1e-2) separates right
// from wrong by orders of magnitude. Non-smooth points (a ReLU input within step of 0, a max-pool
// window whose winner changes under the nudge) have no derivative there and are skipped; the
// caller says which, and the count of skips is reported so a check cannot skip everything.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cnn::test {

constexpr double kGradStep = 1e-5;
constexpr double kGradTolerance = 1e-6;

struct GradcheckResult {
  int64_t checked = 0, skipped = 0, failed = 0;
  double max_error = 0.0;  // worst |numeric - analytic| / max(|a|, |n|, 1e-2)
  int64_t worst_index = -1;
  double worst_numeric = 0.0, worst_analytic = 0.0;
  std::string describe() const;
};

// Checks analytic[i] == d objective / d x[i] for every i. objective() reads x (which this
// function perturbs in place and restores); skip(i) may exclude non-differentiable points and is
// called with x[i] already perturbed to each side.
GradcheckResult check_gradient(std::vector<double>& x, const std::function<double()>& objective,
                               const std::vector<double>& analytic,
                               const std::function<bool(int64_t)>& skip = nullptr);

// sum_j c_j y_j: the objective whose gradient w.r.t. y is c.
double weighted_sum(const std::vector<double>& c, const std::vector<double>& y);

}  // namespace cnn::test
