// Residual and Concat containers (see branches.h).
#include "cnn/nn/branches.h"

#include "cnn/error.h"
#include "cnn/ops.h"

namespace cnn::nn {

Residual::Residual(ModulePtr body, ModulePtr shortcut)
    : body_(std::move(body)), shortcut_(std::move(shortcut)) {
  if (!body_) throw Error("Residual: body module is null");
  add_child("body", body_);
  if (shortcut_) add_child("shortcut", shortcut_);
}

Tensor Residual::forward(const Tensor& x) {
  return add(body_->forward(x), shortcut_ ? shortcut_->forward(x) : x);
}

Shape Residual::output_shape(const Shape& input) const {
  const Shape body = body_->output_shape(input);
  const Shape skip = shortcut_ ? shortcut_->output_shape(input) : input;
  if (body != skip) {
    throw Error("Residual: body gives " + shape_str(body) + ", " +
                (shortcut_ ? "shortcut " : "identity shortcut ") + shape_str(skip));
  }
  return body;
}

Concat::Concat(std::initializer_list<ModulePtr> branches)
    : Concat(std::vector<ModulePtr>(branches)) {}

Concat::Concat(const std::vector<ModulePtr>& branches) {
  if (branches.empty()) throw Error("Concat: needs at least one branch");
  for (const ModulePtr& b : branches) {
    if (!b) throw Error("Concat: branch " + std::to_string(children().size()) + " is null");
    add_child(std::to_string(children().size()), b);
  }
}

Tensor Concat::forward(const Tensor& x) {
  std::vector<Tensor> outputs;
  outputs.reserve(children().size());
  for (const auto& [name, branch] : children()) outputs.push_back(branch->forward(x));
  return concat(outputs, 1);
}

Shape Concat::output_shape(const Shape& input) const {
  Shape out;
  for (const auto& [name, branch] : children()) {
    const Shape s = branch->output_shape(input);
    if (s.size() != 4) {
      throw Error("Concat: branch " + name + " gives " + shape_str(s) + ", expected NCHW");
    }
    if (out.empty()) {
      out = s;
    } else if (s[0] != out[0] || s[2] != out[2] || s[3] != out[3]) {
      throw Error("Concat: branch " + name + " gives " + shape_str(s) + ", branch 0 " +
                  shape_str(out) + " (N, H and W must agree)");
    } else {
      out[1] += s[1];
    }
  }
  return out;
}

}  // namespace cnn::nn
