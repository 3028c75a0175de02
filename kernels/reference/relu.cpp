// Float instantiations of the reference ReLU (kernels/reference/relu.h) behind ops.h.
#include "kernels/reference/relu.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void relu_forward(int64_t n, const float* x, float* y) {
  generic::relu_forward<float>(n, x, y);
}
void relu_backward(int64_t n, const float* x, const float* dy, float* dx) {
  generic::relu_backward<float>(n, x, dy, dx);
}

}  // namespace cnn::kernels::reference
