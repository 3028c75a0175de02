// Reverse-mode autograd (after flashlight's Variable and micrograd's engine).
//
// Each op that sees an input requiring grad records a Node: the op's name, its inputs and a
// backward closure mapping the output gradient to one gradient per input (undefined where the
// input needs none). Tensor::backward() orders the nodes by depth-first topological sort and
// accumulates gradients, so a tensor used twice receives the sum. Leaves keep their .grad();
// intermediate gradients are dropped once consumed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cnn/tensor.h"

namespace cnn {

struct Node {
  using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

  std::string name;
  std::vector<Tensor> inputs;
  BackwardFn backward;  // empty once the graph has been freed by a backward() without retain
  bool freed = false;
};

// Whether ops record graph nodes on this thread (true by default).
bool grad_enabled();

// Disables graph recording for its lifetime (inference, optimizer updates). Nests.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// For op implementations: gives `output` a grad node when grad mode is on and any input requires
// grad. Returns `output` (which then requires grad).
Tensor record(const std::string& op, Tensor output, std::vector<Tensor> inputs,
              Node::BackwardFn backward);

}  // namespace cnn
