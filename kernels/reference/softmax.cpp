// Float instantiations of the reference softmax family (kernels/reference/softmax.h) behind ops.h.
#include "kernels/reference/softmax.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void softmax_forward(const SoftmaxShape& s, const float* x, float* y) {
  generic::softmax_forward<float>(s, x, y);
}
void softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx) {
  generic::softmax_backward<float>(s, y, dy, dx);
}
void log_softmax_forward(const SoftmaxShape& s, const float* x, float* y) {
  generic::log_softmax_forward<float>(s, x, y);
}
void log_softmax_backward(const SoftmaxShape& s, const float* y, const float* dy, float* dx) {
  generic::log_softmax_backward<float>(s, y, dy, dx);
}
void cross_entropy_forward(const SoftmaxShape& s, const float* logits, const int32_t* labels,
                           float* probs, float* loss) {
  generic::cross_entropy_forward<float>(s, logits, labels, probs, loss);
}
void cross_entropy_backward(const SoftmaxShape& s, const float* probs, const int32_t* labels,
                            const float* dloss, float* dlogits) {
  generic::cross_entropy_backward<float>(s, probs, labels, dloss, dlogits);
}

}  // namespace cnn::kernels::reference
