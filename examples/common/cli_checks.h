// Checks of command-line values that CLI11's type conversion cannot express (--batch >= 1,
// --lr > 0, ...). Every failed check adds its own message naming the flag and the value given,
// and all of them are reported together, so a command line with several bad values is fixed in
// one go instead of one error per attempt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace example_common {

class ValueChecks {
 public:
  // "--batch must be at least 1, got 0"
  void at_least(const std::string& flag, int64_t value, int64_t minimum);
  // "--lr must be greater than 0, got -1" (NaN fails every check)
  void greater_than(const std::string& flag, double value, double bound);
  // "--momentum must be at least 0, got -0.5" (NaN fails)
  void number_at_least(const std::string& flag, double value, double minimum);
  // "--threshold must lie in (0, 1), got 1.5" (NaN fails)
  void open_interval(const std::string& flag, double value, double low, double high);
  // "--shift must lie in [0, 0.5), got 0.6" (NaN fails)
  void half_open_interval(const std::string& flag, double value, double low, double high);
  // "--low-resolution must lie in [0, 1], got 2" (NaN fails)
  void closed_interval(const std::string& flag, double value, double low, double high);
  // Any other condition with its own message.
  void require(bool ok, const std::string& message);

  const std::vector<std::string>& failures() const { return failures_; }
  // Throws InputError with one line per failed check.
  void throw_if_failed() const;

 private:
  std::vector<std::string> failures_;
};

// The shortest decimal that reads back as `value` (0.001f -> 0.001, not 0.0010000000474974513),
// as a double: metrics.json then shows the number the user typed.
double shortest_decimal(float value);

}  // namespace example_common
