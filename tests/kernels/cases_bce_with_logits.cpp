// Op cases for binary cross-entropy with logits: the per-element loss (with and without
// weights) and the gradient w.r.t. the logits for the three ways the op calls it (reduction
// none: one upstream gradient per element; sum: one scalar; mean: one scalar scaled by 1/n), on
// aligned and misaligned pointers, over the vector table.
//
// Logits are uniform in [-6, 6) with planted 0, +-30, +-100 and +-1e30 (no overflow allowed:
// the loss must stay finite); targets are uniform in [0, 1) with planted hard labels 0 and 1.
// Both outputs are compared against the absolute-sum scale of their terms
// (|w| * (max(x,0) + |x*t| + log1p(exp(-|x|))) for the loss, |g*w| * (sigmoid(x) + |t|) for the
// gradient) within kTranscendentalTolerance: max(x,0) - x*t and sigmoid(x) - t cancel, so a
// plain relative error would be meaningless where they do.
#include <cmath>
#include <string>

#include "kernels/reference/activations.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {

struct BceInputs {
  std::vector<float> logits, targets, weights;  // weights empty: none
};

BceInputs bce_inputs(Rng& rng, int64_t n, bool weighted) {
  BceInputs in;
  in.logits = rng.uniform_vector(n, -6.f, 6.f);
  in.targets = rng.uniform_vector(n, 0.f, 1.f);
  const float specials[] = {0.f, 30.f, -30.f, 100.f, -100.f, 1e30f, -1e30f};
  for (int64_t i = 1, k = 0; i < n; i += 3, ++k) in.logits[size_t(i)] = specials[k % 7];
  for (int64_t i = 2, k = 0; i < n; i += 4, ++k) in.targets[size_t(i)] = float(k % 2);
  if (weighted) in.weights = rng.uniform_vector(n, 0.f, 2.f);
  return in;
}

const float* or_null(BackendArray<float>& a, bool present) {
  return present ? a.data() : nullptr;
}

enum class Reduction { none, sum, mean };
const char* reduction_name(Reduction r) {
  return r == Reduction::none ? "none" : r == Reduction::sum ? "sum" : "mean";
}

}  // namespace

std::vector<OpCase> bce_with_logits_cases() {
  std::vector<OpCase> cases;
  for (const VectorProblem& p : vector_problems()) {
    const int64_t n = p.n;
    for (const bool weighted : {false, true}) {
      for (const bool misaligned : {false, true}) {
        const std::string variant =
            std::string(weighted ? " weighted" : "") + (misaligned ? " (misaligned)" : "");
        const int off_x = misaligned ? 1 : 0, off_t = misaligned ? 2 : 0,
                  off_w = misaligned ? 3 : 0, off_out = misaligned ? 1 : 0;

        const std::string fwd = "bce_with_logits_forward" + variant;
        cases.push_back({fwd, p.name, p.large, [=](Backend& b) {
                           Rng rng(seed_of(fwd, p.name));
                           const BceInputs in = bce_inputs(rng, n, weighted);
                           BackendArray<float> bx(b, in.logits, off_x), bt(b, in.targets, off_t),
                               bw(b, in.weights, off_w), bloss(b, n, off_out);
                           b.bce_with_logits_forward(n, bx.data(), bt.data(), or_null(bw, weighted),
                                                     bloss.data());
                           std::vector<double> want(static_cast<size_t>(n));
                           const float* w = weighted ? in.weights.data() : nullptr;
                           ref::bce_with_logits_forward<float, double>(
                               n, in.logits.data(), in.targets.data(), w, want.data());
                           std::vector<float> scale(want.size());
                           for (size_t i = 0; i < scale.size(); ++i) {
                             const double x = in.logits[i], t = in.targets[i];
                             const double terms = std::fmax(x, 0.0) + std::fabs(x * t) +
                                                  std::log1p(std::exp(-std::fabs(x)));
                             scale[i] = float((weighted ? std::fabs(w[i]) : 1.0) * terms);
                           }
                           return std::vector<Comparison>{compare_scaled(
                               "loss", bloss.download(), want, scale, kTranscendentalTolerance)};
                         }});

        for (const Reduction reduction : {Reduction::none, Reduction::sum, Reduction::mean}) {
          const std::string bwd =
              std::string("bce_with_logits_backward ") + reduction_name(reduction) + variant;
          cases.push_back(
              {bwd, p.name, p.large, [=](Backend& b) {
                 Rng rng(seed_of(bwd, p.name));
                 const BceInputs in = bce_inputs(rng, n, weighted);
                 const bool per_element = reduction == Reduction::none;
                 const auto dloss = rng.uniform_vector(per_element ? n : 1, -2.f, 2.f);
                 const float scale_factor = reduction == Reduction::mean ? 1.f / float(n) : 1.f;
                 BackendArray<float> bx(b, in.logits, off_x), bt(b, in.targets, off_t),
                     bw(b, in.weights, off_w), bg(b, dloss, off_w), bdx(b, n, off_out);
                 b.bce_with_logits_backward(n, bx.data(), bt.data(), or_null(bw, weighted),
                                            bg.data(), per_element, scale_factor, bdx.data());
                 std::vector<double> want(static_cast<size_t>(n));
                 const float* w = weighted ? in.weights.data() : nullptr;
                 ref::bce_with_logits_backward<float, double>(
                     n, in.logits.data(), in.targets.data(), w, dloss.data(), per_element,
                     scale_factor, want.data());
                 std::vector<float> scale(want.size());
                 for (size_t i = 0; i < scale.size(); ++i) {
                   const double g = double(scale_factor) * dloss[per_element ? i : 0] *
                                    (weighted ? double(w[i]) : 1.0);
                   scale[i] = float(std::fabs(g) * (ref::stable_sigmoid(in.logits[i]) +
                                                    std::fabs(double(in.targets[i]))));
                 }
                 return std::vector<Comparison>{compare_scaled("dlogits", bdx.download(), want,
                                                               scale, kTranscendentalTolerance)};
               }});
        }
      }
    }
  }
  return cases;
}

}  // namespace cnn::test
