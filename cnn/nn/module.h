// nn::Module: a layer or a tree of layers with named parameters and buffers.
//
// Names follow PyTorch's state_dict: a child's entries are prefixed with the child's name and a
// dot ("0.weight"), and the order is registration order, parameters before buffers within a
// module, then children - the same order torch produces for the same tree, so safetensors files
// map one to one. Parameters are leaf tensors with requires_grad; registered tensors and the
// members that hold them are the same handle, so to(Device) and load_state_dict update both.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cnn/device.h"
#include "cnn/tensor.h"

namespace cnn::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  virtual ~Module() = default;

  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  // Type name used by summary() and error messages ("Conv2d").
  virtual std::string type_name() const = 0;
  // Hyper-parameters for printing ("3, 32, kernel_size=3, padding=1").
  virtual std::string extra_repr() const { return {}; }
  // Output shape for an input shape, without computing anything (used by summary()). The default
  // is the identity; layers that change shapes override it and check the input.
  virtual Shape output_shape(const Shape& input) const { return input; }

  std::vector<Tensor> parameters() const;
  NamedTensors named_parameters() const;
  NamedTensors named_buffers() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const {
    return children_;
  }
  int64_t num_parameters() const;

  // Parameters then buffers, recursively, PyTorch's naming and order.
  NamedTensors state_dict() const;
  // Copies values into the existing tensors (on their current device). strict: every name must be
  // present and no extra name allowed. A shape mismatch is always an error naming the tensor,
  // expected and found shapes.
  void load_state_dict(const NamedTensors& state, bool strict = true);

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Moves every parameter and buffer (and gradient) to `device`, in place.
  void to(Device device);
  void zero_grad();

 protected:
  // Registers `t` as a parameter (sets requires_grad) and returns it; keep the returned handle.
  Tensor register_parameter(const std::string& name, Tensor t);
  Tensor register_buffer(const std::string& name, Tensor t);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  void add_child(const std::string& name, std::shared_ptr<Module> module);

 private:
  void collect(const std::string& prefix, bool params, bool buffers, NamedTensors& out) const;

  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

using ModulePtr = std::shared_ptr<Module>;

}  // namespace cnn::nn
