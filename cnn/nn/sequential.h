// nn::Sequential: children applied in order, named "0", "1", ... like torch.nn.Sequential, so
// its state_dict names ("0.weight") match PyTorch's.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>

#include "cnn/nn/module.h"

namespace cnn::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<ModulePtr> modules);

  // Appends a child named after its index. Returns *this for chaining.
  Sequential& push_back(ModulePtr module);
  size_t size() const { return children().size(); }
  Module& operator[](size_t i) const { return *children().at(i).second; }

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sequential"; }
  Shape output_shape(const Shape& input) const override;

  // A table with one row per child: index, layer, output shape, parameter count; then the total
  // ("Total parameters: 82,016,322"). input_shape includes the batch dimension.
  std::string summary(const Shape& input_shape) const;
};

// Formats 82016322 as "82,016,322".
std::string format_count(int64_t n);

}  // namespace cnn::nn
