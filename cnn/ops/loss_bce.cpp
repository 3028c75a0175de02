// binary_cross_entropy_with_logits: the loss kernel writes one loss per element (the stable
// max(x,0) - x*t + log1p(exp(-|x|)), times the optional weight), and the sum/mean reduction reuses
// the deterministic sum_axis kernel, so there is no second reduction to maintain. The backward
// kernel reads the upstream gradient from device memory (one value for sum/mean, one per element
// for none): no host sync. Targets and weights are constants: they get no gradient (PyTorch's
// targets can have one; nothing in libcnn needs it).
#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {
namespace {

void check_operand(const char* name, const Tensor& logits, const Tensor& t) {
  constexpr const char* op = "binary_cross_entropy_with_logits";
  detail::check_same_device(op, "logits", logits, name, t);
  if (t.shape() != logits.shape()) {
    throw Error(std::string(op) + ": " + name + " " + shape_str(t.shape()) + " and logits " +
                shape_str(logits.shape()) + " differ (libcnn does not broadcast)");
  }
}

}  // namespace

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        const Tensor& weights, Reduction reduction) {
  constexpr const char* op = "binary_cross_entropy_with_logits";
  detail::check_defined(op, "logits", logits);
  detail::check_defined(op, "targets", targets);
  check_operand("targets", logits, targets);
  if (weights.defined()) check_operand("weights", logits, weights);
  const int64_t n = logits.numel();
  if (reduction == Reduction::mean && n == 0) {
    throw Error(std::string(op) + ": mean over empty logits " + shape_str(logits.shape()));
  }
  const Device device = logits.device();
  const float* w = weights.defined() ? weights.data() : nullptr;

  Tensor loss = Tensor::empty(logits.shape(), device);
  CNN_KERNEL(device, "binary_cross_entropy_with_logits",
             kcpu::bce_with_logits_forward(n, logits.data(), targets.data(), w, loss.data()),
             kcuda::bce_with_logits_forward(n, logits.data(), targets.data(), w, loss.data(),
                                            detail::cuda_stream()));
  const float scale = reduction == Reduction::mean ? 1.f / static_cast<float>(n) : 1.f;
  Tensor out = loss;
  if (reduction != Reduction::none) {
    out = Tensor::empty({}, device);
    CNN_KERNEL(device, "binary_cross_entropy_with_logits reduction",
               kcpu::sum_axis(1, n, 1, loss.data(), out.data()),
               kcuda::sum_axis(1, n, 1, loss.data(), out.data(), detail::cuda_stream()));
    if (reduction == Reduction::mean) {
      CNN_KERNEL(device, "binary_cross_entropy_with_logits mean", kcpu::scale(1, scale, out.data()),
                 kcuda::scale(1, scale, out.data(), detail::cuda_stream()));
    }
  }

  const bool per_element = reduction == Reduction::none;
  return record(op, out, {logits}, [logits, targets, weights, per_element, scale](const Tensor& g) {
    const int64_t count = logits.numel();
    const float* wp = weights.defined() ? weights.data() : nullptr;
    Tensor dx = Tensor::empty(logits.shape(), g.device());
    CNN_KERNEL(
        g.device(), "binary_cross_entropy_with_logits backward",
        kcpu::bce_with_logits_backward(count, logits.data(), targets.data(), wp, g.data(),
                                       per_element, scale, dx.data()),
        kcuda::bce_with_logits_backward(count, logits.data(), targets.data(), wp, g.data(),
                                        per_element, scale, dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

}  // namespace cnn
