// Float instantiations of the reference linear layer (kernels/reference/linear.h) behind ops.h.
#include "kernels/reference/linear.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void linear_forward(const LinearShape& s, const float* x, const float* w, const float* bias,
                    float* y) {
  generic::linear_forward<float>(s, x, w, bias, y);
}
void linear_backward_data(const LinearShape& s, const float* dy, const float* w, float* dx) {
  generic::linear_backward_data<float>(s, dy, w, dx);
}
void linear_backward_weight(const LinearShape& s, const float* dy, const float* x, float* dw) {
  generic::linear_backward_weight<float>(s, dy, x, dw);
}
void linear_backward_bias(const LinearShape& s, const float* dy, float* db) {
  generic::linear_backward_bias<float>(s, dy, db);
}

}  // namespace cnn::kernels::reference
