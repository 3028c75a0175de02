// Float instantiations of the reference conv2d (kernels/reference/conv2d.h) behind ops.h.
#include "kernels/reference/conv2d.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                    float* y) {
  generic::conv2d_forward<float>(s, x, w, bias, y);
}
void conv2d_backward_data(const Conv2dShape& s, const float* dy, const float* w, float* dx) {
  generic::conv2d_backward_data<float>(s, dy, w, dx);
}
void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw) {
  generic::conv2d_backward_weight<float>(s, x, dy, dw);
}
void conv2d_backward_bias(const Conv2dShape& s, const float* dy, float* db) {
  generic::conv2d_backward_bias<float>(s, dy, db);
}

}  // namespace cnn::kernels::reference
