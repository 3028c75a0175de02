// Helpers shared by the core tests: seeded random tensors, element-wise comparison with a stated
// tolerance, and temp directories.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "cnn/cnn.h"

namespace cnn::testing {

inline Tensor random_tensor(const Shape& shape, uint64_t seed, float low = -1.f, float high = 1.f,
                            Device device = Device::cpu()) {
  Generator gen(seed);
  return Tensor::rand(shape, device, &gen, low, high);
}

// Largest |a-b| / (atol + rtol*|b|) over all elements; <= 1 means every element is within
// tolerance. Reported by REQUIRE so a failure shows how far off it was.
inline double worst_ratio(const std::vector<float>& a, const std::vector<float>& b, double atol,
                          double rtol) {
  REQUIRE(a.size() == b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double err = std::abs(double(a[i]) - double(b[i]));
    const double ratio = err / (atol + rtol * std::abs(double(b[i])));
    if (!(ratio <= worst)) worst = ratio;  // NaN propagates as a failure
  }
  return worst;
}

#define CNN_REQUIRE_CLOSE(actual, expected, atol, rtol)                                      \
  do {                                                                                       \
    const double cnn_ratio_ = ::cnn::testing::worst_ratio((actual), (expected), atol, rtol); \
    INFO("worst |a-b|/(atol+rtol|b|) = " << cnn_ratio_);                                     \
    REQUIRE(cnn_ratio_ <= 1.0);                                                              \
  } while (0)

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("cnn-test-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace cnn::testing
