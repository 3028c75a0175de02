// Implementation of the comparison rules described in compare.h.
#include "tests/kernels/compare.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cnn::test {
namespace {

// Below this a scale counts as zero: the output must then match to within tolerance * tiny,
// i.e. essentially exactly (e.g. a 0 produced by an exactly cancelling or masked element).
constexpr double kTinyScale = 1e-30;

void note_error(Comparison& c, int64_t i, double error, double got, double want) {
  if (error > c.tolerance) ++c.mismatches;
  if (c.worst_index < 0 || error > c.max_error || (std::isnan(error) && !std::isnan(c.max_error))) {
    c.max_error = error;
    c.worst_index = i;
    c.got = got;
    c.want = want;
  }
}

}  // namespace

std::string Comparison::describe() const {
  std::ostringstream os;
  os.precision(9);
  os << output << ": " << (passed ? "ok" : "FAILED") << ", max error " << max_error
     << " (tolerance " << tolerance << ")";
  if (worst_index >= 0) os << ", worst at [" << worst_index << "] got " << got << " want " << want;
  if (mismatches > 0) os << ", " << mismatches << " elements out of tolerance";
  return os.str();
}

Comparison compare_scaled(const std::string& output, const std::vector<float>& got,
                          const std::vector<double>& ref, const std::vector<float>& scale,
                          double tolerance) {
  Comparison c;
  c.output = output;
  c.tolerance = tolerance;
  if (got.size() != ref.size() || scale.size() != ref.size()) {
    c.mismatches = 1;
    return c;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = got[i], r = ref[i];
    double error;
    if (std::isnan(r))
      error = std::isnan(g) ? 0.0 : INFINITY;
    else if (!std::isfinite(g) || !std::isfinite(r))
      error = (g == r) ? 0.0 : INFINITY;  // inf must match inf; NaN where ref is a number fails
    else
      error = std::fabs(g - r) / std::max(std::fabs(double(scale[i])), kTinyScale);
    note_error(c, int64_t(i), error, g, r);
  }
  c.passed = c.mismatches == 0;
  return c;
}

Comparison compare_relative(const std::string& output, const std::vector<float>& got,
                            const std::vector<double>& ref, double tolerance) {
  std::vector<float> scale(ref.size());
  for (size_t i = 0; i < ref.size(); ++i) scale[i] = float(std::fabs(ref[i]));
  return compare_scaled(output, got, ref, scale, tolerance);
}

Comparison compare_row_normwise(const std::string& output, const std::vector<float>& got,
                                const std::vector<double>& ref, int64_t row_length,
                                double tolerance) {
  std::vector<float> scale(ref.size());
  for (size_t row = 0; row < ref.size(); row += size_t(row_length)) {
    const size_t end = std::min(ref.size(), row + size_t(row_length));
    float row_max = 0.f;
    for (size_t i = row; i < end; ++i)
      if (std::isfinite(ref[i])) row_max = std::max(row_max, float(std::fabs(ref[i])));
    std::fill(scale.begin() + long(row), scale.begin() + long(end), row_max);
  }
  return compare_scaled(output, got, ref, scale, tolerance);
}

Comparison compare_exact(const std::string& output, const std::vector<float>& got,
                         const std::vector<double>& ref) {
  Comparison c;
  c.output = output;
  if (got.size() != ref.size()) {
    c.mismatches = 1;
    return c;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const float want = float(ref[i]);
    const bool same = (std::isnan(want) && std::isnan(got[i])) || got[i] == want;
    note_error(c, int64_t(i), same ? 0.0 : INFINITY, got[i], want);
  }
  c.passed = c.mismatches == 0;
  return c;
}

Comparison compare_exact(const std::string& output, const std::vector<int32_t>& got,
                         const std::vector<int32_t>& ref) {
  Comparison c;
  c.output = output;
  if (got.size() != ref.size()) {
    c.mismatches = 1;
    return c;
  }
  for (size_t i = 0; i < got.size(); ++i)
    note_error(c, int64_t(i), got[i] == ref[i] ? 0.0 : INFINITY, got[i], ref[i]);
  c.passed = c.mismatches == 0;
  return c;
}

}  // namespace cnn::test
