// Float instantiations of the reference max_pool2d (kernels/reference/max_pool2d.h) behind ops.h.
#include "kernels/reference/max_pool2d.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void max_pool2d_forward(const MaxPool2dShape& s, const float* x, float* y, int32_t* argmax) {
  generic::max_pool2d_forward<float>(s, x, y, argmax);
}
void max_pool2d_backward(const MaxPool2dShape& s, const float* dy, const int32_t* argmax,
                         float* dx) {
  generic::max_pool2d_backward<float>(s, dy, argmax, dx);
}

}  // namespace cnn::kernels::reference
