// Containers for non-sequential networks: a residual add and a concatenation of parallel branches.
//
// Anything a graph of modules can express is also a Module subclass with its own forward() (the
// PyTorch way; docs/api.md shows one). These two cover the common cases without a subclass, and
// name their children so state_dict() names match the equivalent torch module:
//   Residual  y = body(x) + shortcut(x), shortcut = identity when absent; children "body" and
//             "shortcut" (torch: a module with attributes `body` and `shortcut`)
//   Concat    y = concat([branch_0(x), branch_1(x), ...], dim 1); children "0", "1", ... (torch:
//             an nn.ModuleList called from a forward that does torch.cat(..., 1))
#pragma once

#include <initializer_list>
#include <vector>

#include "cnn/nn/module.h"

namespace cnn::nn {

class Residual : public Module {
 public:
  // requires: body (and shortcut, when given) map an input to outputs of one shape.
  explicit Residual(ModulePtr body, ModulePtr shortcut = nullptr);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Residual"; }
  // Checks that both paths agree: "Residual: body gives [1,8,4,4], shortcut [1,4,4,4]".
  Shape output_shape(const Shape& input) const override;

 private:
  ModulePtr body_, shortcut_;
};

class Concat : public Module {
 public:
  // requires: at least one branch; branch outputs are NCHW and agree on N, H and W.
  Concat(std::initializer_list<ModulePtr> branches);
  explicit Concat(const std::vector<ModulePtr>& branches);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Concat"; }
  Shape output_shape(const Shape& input) const override;
};

}  // namespace cnn::nn
