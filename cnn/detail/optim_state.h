// Private helpers for optimizer state_dict/load_state_dict (not installed).
#pragma once

#include <string>

#include "cnn/optim/optimizer.h"

namespace cnn::optim::detail {

// The tensor `name` from `state`, copied to param's device; undefined when absent. A shape that
// differs from `param` is a cnn::Error naming it.
Tensor take_state(const OptimizerState& state, const std::string& name, const Tensor& param);
// The scalar `key`, or a cnn::Error naming it.
std::string scalar(const OptimizerState& state, const std::string& key);
// Round-trip exact text for a float ("%.9g").
std::string format_float(float v);
// Parses what format_float wrote; a malformed value is a cnn::Error naming `key`.
float parse_float(const std::string& key, const std::string& text);

}  // namespace cnn::optim::detail
