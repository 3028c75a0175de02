// Float instantiations of the reference leaky_relu, clamp, sigmoid and BCE-with-logits
// (kernels/reference/activations.h) behind ops.h.
#include "kernels/reference/activations.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void leaky_relu_forward(int64_t n, float slope, const float* x, float* y) {
  generic::leaky_relu_forward<float>(n, slope, x, y);
}
void leaky_relu_backward(int64_t n, float slope, const float* x, const float* dy, float* dx) {
  generic::leaky_relu_backward<float>(n, slope, x, dy, dx);
}
void clamp_forward(int64_t n, float lo, float hi, const float* x, float* y) {
  generic::clamp_forward<float>(n, lo, hi, x, y);
}
void clamp_backward(int64_t n, float lo, float hi, const float* x, const float* dy, float* dx) {
  generic::clamp_backward<float>(n, lo, hi, x, dy, dx);
}
void sigmoid_forward(int64_t n, const float* x, float* y) {
  generic::sigmoid_forward<float>(n, x, y);
}
void sigmoid_backward(int64_t n, const float* y, const float* dy, float* dx) {
  generic::sigmoid_backward<float>(n, y, dy, dx);
}
void bce_with_logits_forward(int64_t n, const float* logits, const float* targets,
                             const float* weights, float* loss) {
  generic::bce_with_logits_forward<float>(n, logits, targets, weights, loss);
}
void bce_with_logits_backward(int64_t n, const float* logits, const float* targets,
                              const float* weights, const float* dloss, bool per_element_dloss,
                              float scale, float* dlogits) {
  generic::bce_with_logits_backward<float>(n, logits, targets, weights, dloss, per_element_dloss,
                                           scale, dlogits);
}

}  // namespace cnn::kernels::reference
