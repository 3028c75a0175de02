// Central-difference gradient checker described in gradcheck.h.
#include "tests/kernels/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cnn::test {

std::string GradcheckResult::describe() const {
  std::ostringstream os;
  os.precision(9);
  os << checked << " checked, " << skipped << " skipped, " << failed << " failed; max error "
     << max_error << " (tolerance " << kGradTolerance << ")";
  if (worst_index >= 0)
    os << " at [" << worst_index << "]: numeric " << worst_numeric << ", analytic "
       << worst_analytic;
  return os.str();
}

GradcheckResult check_gradient(std::vector<double>& x, const std::function<double()>& objective,
                               const std::vector<double>& analytic,
                               const std::function<bool(int64_t)>& skip) {
  GradcheckResult r;
  for (size_t i = 0; i < x.size(); ++i) {
    const double saved = x[i];
    x[i] = saved + kGradStep;
    const bool skip_plus = skip && skip(int64_t(i));
    const double plus = objective();
    x[i] = saved - kGradStep;
    const bool skip_minus = skip && skip(int64_t(i));
    const double minus = objective();
    x[i] = saved;
    if (skip_plus || skip_minus) {
      ++r.skipped;
      continue;
    }
    ++r.checked;
    const double numeric = (plus - minus) / (2 * kGradStep);
    const double scale = std::max({std::fabs(numeric), std::fabs(analytic[i]), 1e-2});
    const double error = std::fabs(numeric - analytic[i]) / scale;
    if (!(error <= kGradTolerance)) ++r.failed;  // NaN counts as failed
    if (r.worst_index < 0 || error > r.max_error || std::isnan(error)) {
      r.max_error = error;
      r.worst_index = int64_t(i);
      r.worst_numeric = numeric;
      r.worst_analytic = analytic[i];
    }
  }
  return r;
}

double weighted_sum(const std::vector<double>& c, const std::vector<double>& y) {
  double sum = 0.0;
  for (size_t i = 0; i < c.size(); ++i) sum += c[i] * y[i];
  return sum;
}

}  // namespace cnn::test
