// Helpers shared by the cases_*.cpp files.
#include "tests/kernels/op_case.h"

#include <cmath>

namespace cnn::test {

std::vector<double> to_double(const std::vector<float>& v) {
  return {v.begin(), v.end()};
}

std::vector<float> abs_of(const std::vector<float>& v) {
  std::vector<float> a(v.size());
  for (size_t i = 0; i < v.size(); ++i) a[i] = std::fabs(v[i]);
  return a;
}

}  // namespace cnn::test
