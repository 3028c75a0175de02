// Float instantiations of the reference avg_pool2d (kernels/reference/avg_pool2d.h) behind ops.h.
#include "kernels/reference/avg_pool2d.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void avg_pool2d_forward(const AvgPool2dShape& s, const float* x, float* y) {
  generic::avg_pool2d_forward<float>(s, x, y);
}
void avg_pool2d_backward(const AvgPool2dShape& s, const float* dy, float* dx) {
  generic::avg_pool2d_backward<float>(s, dy, dx);
}

}  // namespace cnn::kernels::reference
