// Global-norm gradient clipping: per-parameter sum of squares into one device buffer, one
// reduction, one host read (the only sync), then an in-place scale when clipping.
#include "cnn/optim/clip_grad.h"

#include <cmath>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"

namespace cnn::optim {

float clip_grad_norm(const std::vector<Tensor>& params, float max_norm) {
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  }
  if (grads.empty()) return 0.f;
  const Device d = grads[0].device();
  const int64_t count = static_cast<int64_t>(grads.size());
  Tensor partial = Tensor::empty({count}, d);
  for (int64_t i = 0; i < count; ++i) {
    const Tensor& g = grads[static_cast<size_t>(i)];
    cnn::detail::check_same_device("clip_grad_norm", "first grad", grads[0], "grad", g);
    float* out = partial.data() + i;
    CNN_KERNEL(d, "clip_grad_norm", cnn::kcpu::sum_squares(g.numel(), g.data(), out),
               cnn::kcuda::sum_squares(g.numel(), g.data(), out, cnn::detail::cuda_stream()));
  }
  Tensor total = Tensor::empty({}, d);
  CNN_KERNEL(
      d, "clip_grad_norm", cnn::kcpu::sum_axis(1, count, 1, partial.data(), total.data()),
      cnn::kcuda::sum_axis(1, count, 1, partial.data(), total.data(), cnn::detail::cuda_stream()));
  const float norm = std::sqrt(total.item());
  const float coef = max_norm / (norm + 1e-6f);
  if (coef < 1.f) {
    for (Tensor& g : grads) {
      CNN_KERNEL(d, "clip_grad_norm", cnn::kcpu::scale(g.numel(), coef, g.data()),
                 cnn::kcuda::scale(g.numel(), coef, g.data(), cnn::detail::cuda_stream()));
    }
  }
  return norm;
}

}  // namespace cnn::optim
