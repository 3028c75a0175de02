// Finite-difference gradient check for libcnn ops (after caffe's GradientChecker): the scalar
// L = sum_i y_i * r_i with fixed random weights r makes every output element matter; autograd's
// gradients (y.backward(r)) are compared with central differences (L(x+h) - L(x-h)) / 2h computed
// in double on the host from float forward passes.
#pragma once

#include <functional>
#include <vector>

#include "cnn/cnn.h"

namespace cnn::testing {

struct GradCheckOptions {
  float step = 1e-2f;  // h; float32 forward noise is ~1e-7 * |L| / h
  double atol = 2e-3;  // absolute tolerance on each gradient element
  double rtol = 1e-2;  // relative tolerance
  // Optional: a discrete fingerprint of the non-smooth choices f makes for given inputs (signs of
  // ReLU inputs, max-pool winners). When a perturbation changes it, the difference straddles a
  // kink and is meaningless, so that element is skipped (caffe's "kink" rule).
  std::function<std::vector<int>(const std::vector<Tensor>&)> kink_signature;
};

// f maps the inputs to one output tensor. Every input with requires_grad is checked element by
// element. Returns the number of elements compared (tests require it to be non-zero).
int64_t check_gradients(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                        const std::vector<Tensor>& inputs, const GradCheckOptions& options = {});

}  // namespace cnn::testing
