// Command-line value checks (see cli_checks.h).
#include "common/cli_checks.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/exit_codes.h"

namespace example_common {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

void ValueChecks::at_least(const std::string& flag, int64_t value, int64_t minimum) {
  if (value < minimum) {
    failures_.push_back(flag + " must be at least " + std::to_string(minimum) + ", got " +
                        std::to_string(value));
  }
}

void ValueChecks::greater_than(const std::string& flag, double value, double bound) {
  if (!(value > bound)) {
    failures_.push_back(flag + " must be greater than " + number(bound) + ", got " + number(value));
  }
}

void ValueChecks::number_at_least(const std::string& flag, double value, double minimum) {
  if (!(value >= minimum)) {
    failures_.push_back(flag + " must be at least " + number(minimum) + ", got " + number(value));
  }
}

void ValueChecks::open_interval(const std::string& flag, double value, double low, double high) {
  if (!(value > low && value < high)) {
    failures_.push_back(flag + " must lie in (" + number(low) + ", " + number(high) + "), got " +
                        number(value));
  }
}

void ValueChecks::half_open_interval(const std::string& flag, double value, double low,
                                     double high) {
  if (!(value >= low && value < high)) {
    failures_.push_back(flag + " must lie in [" + number(low) + ", " + number(high) + "), got " +
                        number(value));
  }
}

void ValueChecks::closed_interval(const std::string& flag, double value, double low, double high) {
  if (!(value >= low && value <= high)) {
    failures_.push_back(flag + " must lie in [" + number(low) + ", " + number(high) + "], got " +
                        number(value));
  }
}

void ValueChecks::require(bool ok, const std::string& message) {
  if (!ok) failures_.push_back(message);
}

void ValueChecks::throw_if_failed() const {
  if (failures_.empty()) return;
  std::string message;
  for (const std::string& f : failures_) message += (message.empty() ? "" : "\n") + f;
  throw InputError(message);
}

double shortest_decimal(float value) {
  if (!std::isfinite(value)) return value;
  // 9 significant digits always round-trip a float; fewer usually do.
  for (int digits = 1; digits <= 9; ++digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(buf, nullptr) == value) return std::strtod(buf, nullptr);
  }
  return value;
}

}  // namespace example_common
