// Optimizer base and the helpers the concrete optimizers share.
#include "cnn/optim/optimizer.h"

#include <cstdio>
#include <cstdlib>

#include "cnn/detail/optim_state.h"
#include "cnn/error.h"

namespace cnn::optim {

Optimizer::Optimizer(std::vector<Tensor> params, float lr) : params_(std::move(params)), lr_(lr) {
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].defined() || !params_[i].is_leaf()) {
      throw Error("optimizer: parameter " + std::to_string(i) + " is not a defined leaf tensor");
    }
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

namespace detail {

Tensor take_state(const OptimizerState& state, const std::string& name, const Tensor& param) {
  for (const auto& [n, t] : state.tensors) {
    if (n != name) continue;
    if (t.shape() != param.shape()) {
      throw Error("optimizer load_state_dict: '" + name + "' has shape " + shape_str(t.shape()) +
                  ", the parameter is " + shape_str(param.shape()));
    }
    return t.to(param.device()).clone();
  }
  return Tensor();  // absent: the buffer had not been created yet when saved
}

std::string scalar(const OptimizerState& state, const std::string& key) {
  auto it = state.scalars.find(key);
  if (it == state.scalars.end()) {
    throw Error("optimizer load_state_dict: missing scalar '" + key + "'");
  }
  return it->second;
}

std::string format_float(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  return buf;
}

float parse_float(const std::string& key, const std::string& text) {
  char* end = nullptr;
  const float v = std::strtof(text.c_str(), &end);
  if (text.empty() || *end != '\0') {
    throw Error("optimizer load_state_dict: scalar '" + key + "' = '" + text + "' is not a number");
  }
  return v;
}

}  // namespace detail
}  // namespace cnn::optim
