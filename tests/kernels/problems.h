// The shared problem tables, one per op family (cutlass's conv2d_problems.h is the model): a
// fixed-seed random sweep plus hand-picked shapes - sizes that are multiples of no tile size
// (1, 3, 7, 31, 33, 65, 127, 129), single-element edge cases, and the seed network's exact layer
// shapes at batch 2. Every backend binary runs the same tables.
//
// `large` marks the biggest seed-network layers (hundreds of millions of multiply-adds, or the
// 328 MB fc7 weight): they run in separate "[large]" test cases, once per build rather than once
// per SIMT schedule, and the reference-backend self-test skips them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/shapes.h"

namespace cnn::test {

struct Conv2dProblem {
  std::string name;
  kernels::Conv2dShape shape;
  bool with_bias = true;
  bool large = false;
};

struct LinearProblem {
  std::string name;
  kernels::LinearShape shape;
  bool with_bias = true;
  bool large = false;
};

struct MaxPool2dProblem {
  std::string name;
  kernels::MaxPool2dShape shape;
  // false: values distinct within each plane, so argmax is unique; true: values drawn from
  // {0, 1, 2} so windows are full of ties and the "first in row-major window order" rule decides.
  bool ties = false;
  bool large = false;
};

struct AvgPool2dProblem {
  std::string name;
  kernels::AvgPool2dShape shape;
};

struct BatchNorm2dProblem {
  std::string name;
  kernels::BatchNorm2dShape shape;
  float mean = 0.f;  // inputs uniform in mean +- 1: a large mean tests the two-pass statistics
};

struct SoftmaxProblem {
  std::string name;
  kernels::SoftmaxShape shape;
  float logit_range = 4.f;  // logits uniform in [-range, range)
  bool large = false;
};

// Elementwise ops, optimizers and flat reductions over n floats.
struct VectorProblem {
  std::string name;
  int64_t n = 1;
  bool large = false;
};

// sum_axis over x viewed as [outer, axis, inner].
struct SumAxisProblem {
  std::string name;
  int64_t outer = 1, axis = 1, inner = 1;
};

const std::vector<Conv2dProblem>& conv2d_problems();
const std::vector<LinearProblem>& linear_problems();
const std::vector<MaxPool2dProblem>& max_pool2d_problems();
const std::vector<AvgPool2dProblem>& avg_pool2d_problems();
const std::vector<BatchNorm2dProblem>& batch_norm2d_problems();
const std::vector<SoftmaxProblem>& softmax_problems();
const std::vector<VectorProblem>& relu_problems();  // includes the seed network's activations
const std::vector<VectorProblem>& vector_problems();
const std::vector<SumAxisProblem>& sum_axis_problems();

std::string describe(const kernels::Conv2dShape& s);
std::string describe(const kernels::LinearShape& s);
std::string describe(const kernels::MaxPool2dShape& s);
std::string describe(const kernels::SoftmaxShape& s);
std::string describe(const kernels::AvgPool2dShape& s);
std::string describe(const kernels::BatchNorm2dShape& s);

}  // namespace cnn::test
