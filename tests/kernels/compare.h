// How a kernel's float output is judged against the double reference.
//
// Every float comparison is one rule: error_i = |got_i - ref_i| / max(scale_i, tiny) must stay
// <= tolerance for every i, and a NaN/inf where the reference is finite always fails (so a
// poisoned, unwritten element cannot pass). What changes per op is the scale:
//   - absolute-sum scale (GEMM-like ops, reductions): scale_i = sum of |terms| that make ref_i,
//     i.e. the same op run on |inputs|. Float rounding error of a sum is bounded by a multiple of
//     that quantity whatever the order of summation, so one threshold holds for K = 1 and for
//     K = 80000 and for outputs that cancel to ~0, where a plain relative error would be
//     meaningless and a normwise one would hide errors in small elements.
//   - row-normwise scale (softmax outputs): scale_i = max |ref| over the row.
//   - relative scale (elementwise ops): scale_i = |ref_i|.
// Exact comparisons (relu, max-pool values and argmax, fill, masks) demand bit equality.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn::test {

struct Comparison {
  std::string output;  // which output buffer, e.g. "dx"
  bool passed = false;
  double max_error = 0.0;  // worst error_i (0 for a passing exact comparison)
  double tolerance = 0.0;
  int64_t worst_index = -1;  // element with the worst error, -1 when none
  double got = 0.0, want = 0.0;
  int64_t mismatches = 0;  // elements over the tolerance
  std::string describe() const;
};

// error_i = |got_i - ref_i| / max(scale_i, tiny) <= tolerance for all i. The scale is a magnitude,
// so float precision is plenty (and halves the memory for the 82M-element fc7 weight gradient).
Comparison compare_scaled(const std::string& output, const std::vector<float>& got,
                          const std::vector<double>& ref, const std::vector<float>& scale,
                          double tolerance);
// scale_i = |ref_i|.
Comparison compare_relative(const std::string& output, const std::vector<float>& got,
                            const std::vector<double>& ref, double tolerance);
// scale_i = max |ref_j| over the row of length row_length that holds i.
Comparison compare_row_normwise(const std::string& output, const std::vector<float>& got,
                                const std::vector<double>& ref, int64_t row_length,
                                double tolerance);
// got_i == float(ref_i) exactly (NaN matches NaN).
Comparison compare_exact(const std::string& output, const std::vector<float>& got,
                         const std::vector<double>& ref);
Comparison compare_exact(const std::string& output, const std::vector<int32_t>& got,
                         const std::vector<int32_t>& ref);

}  // namespace cnn::test
