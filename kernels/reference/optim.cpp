// Float instantiations of the reference optimizer updates (kernels/reference/optim.h) behind ops.h.
#include "kernels/reference/optim.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void sgd_update(int64_t n, const SgdParams& p, float* param, const float* grad,
                float* momentum_buf) {
  generic::sgd_update<float>(n, p, param, grad, momentum_buf);
}
void adam_update(int64_t n, const AdamParams& p, float* param, const float* grad, float* m,
                 float* v) {
  generic::adam_update<float>(n, p, param, grad, m, v);
}

}  // namespace cnn::kernels::reference
