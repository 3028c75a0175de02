// Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_).
#pragma once

#include <vector>

#include "cnn/tensor.h"

namespace cnn::optim {

// Scales every defined grad by max_norm / (total_norm + 1e-6) when total_norm > max_norm.
// All grads must be on one device; the norm is reduced there with one host sync.
// Returns the total norm before clipping.
float clip_grad_norm(const std::vector<Tensor>& params, float max_norm);

}  // namespace cnn::optim
