// The op-case abstraction of the table-driven kernel tests (ggml's test-backend-ops is the model):
// one kernel on one problem. A case builds its inputs from an Rng seeded by (op, problem), runs the
// kernel on a Backend into poisoned outputs, computes the same thing with the double-precision
// reference (kernels/reference/generic.h) and returns one Comparison per output.
//
// Tolerances (see compare.h for the metrics). Float32 has unit roundoff u = 6e-8:
//   kSumTolerance = 1e-5 against the absolute-sum scale, for conv2d, linear, bias gradients,
//     max-pool backward, sum_axis and sum_squares. A float sum of n terms in any order is off by
//     at most ~n*u*sum|terms| in the worst case and ~u*sqrt(n)*sum|terms| for random signs;
//     relative to sum|terms| (not to |result|, which may cancel to ~0) that stays under 1e-6 for
//     the sizes here (K up to 80000) with blocked or tree accumulation, so 1e-5 leaves ~10x room
//     and still catches a dropped or doubled term (an error of order 1/n of the scale).
//   kSoftmaxTolerance = 1e-5: softmax outputs and cross-entropy probabilities row-normwise; the
//     backward passes, log-softmax and the loss against the absolute-sum scale of their formulas.
//   kElementwiseTolerance = 3e-7 relative (about 2.5 ulp): add/mul/scale are correctly rounded,
//     axpy may be one fused multiply-add or two roundings, dropout's 1/(1-p) may be rounded
//     differently.
//   kOptimizerTolerance = 1e-6 of each buffer's largest element: a few roundings of an update that
//     is itself small next to the parameter.
//   kTranscendentalTolerance = 1e-6 (about 8 ulp) for sigmoid and BCE-with-logits: expf/log1pf
//     are within 1-2 ulp (glibc, CUDA; the CPU sigmoid's fast_exp within 1e-7), plus up to four
//     roundings of the formula. Sigmoid is relative with an absolute floor of FLT_MIN (a result in
//     the denormal range may flush to 0); BCE is against the absolute-sum scale of its terms, since
//     max(x,0) - x*t cancels.
//   kSumTolerance also for avg_pool2d (forward and backward: window sums) and the batch_norm2d
//     statistics and everything computed from them (scales derived in cases_batch_norm.cpp).
//   kBatchNormPointwiseTolerance = 1e-6 of the absolute scale of the terms: batch_norm2d's
//     inference y and eval-mode dx are six roundings per element (add eps, sqrt, divide, subtract
//     or multiply, multiply, add), each at most u = 6e-8 of that scale: 3.6e-7, ~3x room.
// Exact (no tolerance): relu, max-pool values and argmax, fill, dropout's keep/drop decision.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tests/kernels/backend.h"
#include "tests/kernels/compare.h"

namespace cnn::test {

constexpr double kSumTolerance = 1e-5;
constexpr double kSoftmaxTolerance = 1e-5;
constexpr double kElementwiseTolerance = 3e-7;
constexpr double kOptimizerTolerance = 1e-6;
constexpr double kBatchNormPointwiseTolerance = 1e-6;
constexpr double kTranscendentalTolerance = 1e-6;

struct OpCase {
  std::string op;       // the kernel, e.g. "conv2d_backward_data"
  std::string problem;  // the problem's name and shape
  bool large = false;   // a seed-network layer: runs in the "[large]" test cases only
  std::function<std::vector<Comparison>(Backend&)> run;
};

// Cases per op family, in table order; the tag names the Catch2 tag that runs them.
std::vector<OpCase> conv2d_cases();
std::vector<OpCase> linear_cases();
std::vector<OpCase> relu_cases();
std::vector<OpCase> max_pool2d_cases();
std::vector<OpCase> avg_pool2d_cases();
std::vector<OpCase> batch_norm2d_cases();
std::vector<OpCase> softmax_cases();  // softmax and log_softmax
std::vector<OpCase> cross_entropy_cases();
std::vector<OpCase> optim_cases();
std::vector<OpCase> elementwise_cases();
std::vector<OpCase> leaky_relu_cases();
std::vector<OpCase> clamp_cases();  // clamp / hardtanh, relu6 = clamp(0, 6)
std::vector<OpCase> sigmoid_cases();
std::vector<OpCase> bce_with_logits_cases();
std::vector<OpCase> upsample_cases();  // upsample_nearest2d
std::vector<OpCase> copy_2d_cases();

// Helpers shared by the case files.
std::vector<double> to_double(const std::vector<float>& v);
std::vector<float> abs_of(const std::vector<float>& v);  // exact: |x| of a float is a float

}  // namespace cnn::test
