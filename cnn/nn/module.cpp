// Module: registration, PyTorch-ordered traversal, state_dict load with shape checks, device moves.
#include "cnn/nn/module.h"

#include <map>
#include <set>

#include "cnn/detail/tensor_impl.h"
#include "cnn/error.h"

namespace cnn::nn {

Tensor Module::register_parameter(const std::string& name, Tensor t) {
  if (t.defined()) t.set_requires_grad(true);
  parameters_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, Tensor t) {
  buffers_.emplace_back(name, t);
  return t;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  if (!module) throw Error("register_module: '" + name + "' is null");
  children_.emplace_back(name, std::move(module));
}

// torch.nn.Module._named_members order: own parameters (or buffers), then each child's, depth
// first. state_dict interleaves per module: own params, own buffers, then children.
void Module::collect(const std::string& prefix, bool params, bool buffers,
                     NamedTensors& out) const {
  if (params) {
    for (const auto& [name, t] : parameters_) {
      if (t.defined()) out.emplace_back(prefix + name, t);
    }
  }
  if (buffers) {
    for (const auto& [name, t] : buffers_) {
      if (t.defined()) out.emplace_back(prefix + name, t);
    }
  }
  for (const auto& [name, child] : children_)
    child->collect(prefix + name + ".", params, buffers, out);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect("", true, false, out);
  return out;
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  collect("", false, true, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

NamedTensors Module::state_dict() const {
  NamedTensors out;
  collect("", true, true, out);
  return out;
}

void Module::load_state_dict(const NamedTensors& state, bool strict) {
  std::map<std::string, const Tensor*> given;
  for (const auto& [name, t] : state) given[name] = &t;
  std::set<std::string> used;
  std::string missing;
  for (auto& [name, dst] : state_dict()) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    const Tensor& src = *it->second;
    if (src.shape() != dst.shape()) {
      throw Error("load_state_dict: tensor '" + name + "' has shape " + shape_str(src.shape()) +
                  ", the model expects " + shape_str(dst.shape()));
    }
    used.insert(name);
  }
  if (strict) {
    std::string unexpected;
    for (const auto& [name, t] : state) {
      if (!used.count(name)) unexpected += (unexpected.empty() ? "" : ", ") + name;
    }
    if (!missing.empty() || !unexpected.empty()) {
      throw Error("load_state_dict: missing tensors [" + missing + "], unexpected tensors [" +
                  unexpected + "]");
    }
  }
  // All checks passed: only now copy, so a failed load leaves the model untouched.
  for (auto& [name, dst] : state_dict()) {
    if (used.count(name)) dst.copy_(*given[name]);
  }
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::to(Device device) {
  for (auto& [name, t] : state_dict()) t.move_to_(device);
}

void Module::zero_grad() {
  for (Tensor& t : parameters()) t.zero_grad();
}

}  // namespace cnn::nn
