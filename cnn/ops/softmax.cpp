// The softmax family over rows of a [rows, classes] tensor: softmax, log_softmax and the fused
// cross-entropy (mean over rows, class-index labels validated on the host).
#include <memory>

#include "cnn/allocator.h"
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/tensor_impl.h"
#include "cnn/ops.h"

namespace cnn {
namespace {

kernels::SoftmaxShape rows_shape(const char* op, const Tensor& x) {
  detail::check_defined(op, "input", x);
  detail::check_dim(op, "input", x, 2);
  kernels::SoftmaxShape s{detail::to_int(op, x.size(0)), detail::to_int(op, x.size(1))};
  if (!s.valid()) throw Error(std::string(op) + ": empty input " + shape_str(x.shape()));
  return s;
}

}  // namespace

Tensor softmax(const Tensor& x) {
  const kernels::SoftmaxShape s = rows_shape("softmax", x);
  Tensor y = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(x.device(), "softmax", kcpu::softmax_forward(s, x.data(), y.data()),
             kcuda::softmax_forward(s, x.data(), y.data(), detail::cuda_stream()));
  // The closure keeps an alias of y, not y itself: y's node holding y would be a cycle.
  const Tensor saved = detail::alias(y, y.shape());
  return record("softmax", y, {x}, [s, saved](const Tensor& dy) {
    Tensor dx = Tensor::empty(saved.shape(), dy.device());
    CNN_KERNEL(
        dy.device(), "softmax backward",
        kcpu::softmax_backward(s, saved.data(), dy.data(), dx.data()),
        kcuda::softmax_backward(s, saved.data(), dy.data(), dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

Tensor log_softmax(const Tensor& x) {
  const kernels::SoftmaxShape s = rows_shape("log_softmax", x);
  Tensor y = Tensor::empty(x.shape(), x.device());
  CNN_KERNEL(x.device(), "log_softmax", kcpu::log_softmax_forward(s, x.data(), y.data()),
             kcuda::log_softmax_forward(s, x.data(), y.data(), detail::cuda_stream()));
  const Tensor saved = detail::alias(y, y.shape());
  return record("log_softmax", y, {x}, [s, saved](const Tensor& dy) {
    Tensor dx = Tensor::empty(saved.shape(), dy.device());
    CNN_KERNEL(
        dy.device(), "log_softmax backward",
        kcpu::log_softmax_backward(s, saved.data(), dy.data(), dx.data()),
        kcuda::log_softmax_backward(s, saved.data(), dy.data(), dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

Tensor cross_entropy(const Tensor& logits, const std::vector<int32_t>& labels) {
  const kernels::SoftmaxShape s = rows_shape("cross_entropy", logits);
  if (static_cast<int64_t>(labels.size()) != s.rows) {
    throw Error("cross_entropy: " + std::to_string(labels.size()) + " labels for logits " +
                shape_str(logits.shape()) + " (" + std::to_string(s.rows) + " rows)");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= s.cols) {
      throw Error("cross_entropy: label " + std::to_string(labels[i]) + " at index " +
                  std::to_string(i) + " is outside [0, " + std::to_string(s.cols) +
                  ") for logits " + shape_str(logits.shape()));
    }
  }
  const Device d = logits.device();
  auto label_storage = std::make_shared<Storage>(labels.size() * sizeof(int32_t), d);
  detail::copy_bytes(label_storage->data, d, labels.data(), Device::cpu(),
                     labels.size() * sizeof(int32_t));
  const auto* label_ptr = static_cast<const int32_t*>(label_storage->data);
  Tensor probs = Tensor::empty(logits.shape(), d);
  Tensor loss = Tensor::empty({}, d);
  CNN_KERNEL(d, "cross_entropy",
             kcpu::cross_entropy_forward(s, logits.data(), label_ptr, probs.data(), loss.data()),
             kcuda::cross_entropy_forward(s, logits.data(), label_ptr, probs.data(), loss.data(),
                                          detail::cuda_stream()));
  return record("cross_entropy", loss, {logits}, [s, probs, label_storage](const Tensor& dloss) {
    Tensor dlogits = Tensor::empty(probs.shape(), dloss.device());
    const auto* label_ptr = static_cast<const int32_t*>(label_storage->data);
    // dloss stays on the device: the kernel reads the scalar there, so no host sync.
    CNN_KERNEL(
        dloss.device(), "cross_entropy backward",
        kcpu::cross_entropy_backward(s, probs.data(), label_ptr, dloss.data(), dlogits.data()),
        kcuda::cross_entropy_backward(s, probs.data(), label_ptr, dloss.data(), dlogits.data(),
                                      detail::cuda_stream()));
    return std::vector<Tensor>{dlogits};
  });
}

std::vector<int32_t> argmax_rows(const Tensor& x) {
  detail::check_defined("argmax_rows", "input", x);
  detail::check_dim("argmax_rows", "input", x, 2);
  const std::vector<float> v = x.to_vector();
  const int64_t rows = x.size(0), cols = x.size(1);
  std::vector<int32_t> out(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    int64_t best = 0;
    for (int64_t c = 1; c < cols; ++c) {
      if (v[static_cast<size_t>(r * cols + c)] > v[static_cast<size_t>(r * cols + best)]) best = c;
    }
    out[static_cast<size_t>(r)] = static_cast<int32_t>(best);
  }
  return out;
}

}  // namespace cnn
