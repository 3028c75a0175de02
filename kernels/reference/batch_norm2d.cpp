// Float instantiations of the reference batch_norm2d (kernels/reference/batch_norm2d.h) behind
// ops.h.
#include "kernels/reference/batch_norm2d.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void batch_norm2d_forward_training(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                   const float* beta, float eps, float momentum, float* y,
                                   float* save_mean, float* save_invstd, float* running_mean,
                                   float* running_var) {
  generic::batch_norm2d_forward_training<float>(s, x, gamma, beta, eps, momentum, y, save_mean,
                                                save_invstd, running_mean, running_var);
}
void batch_norm2d_forward_inference(const BatchNorm2dShape& s, const float* x, const float* gamma,
                                    const float* beta, const float* running_mean,
                                    const float* running_var, float eps, float* y) {
  generic::batch_norm2d_forward_inference<float>(s, x, gamma, beta, running_mean, running_var, eps,
                                                 y);
}
void batch_norm2d_backward_training(const BatchNorm2dShape& s, const float* x, const float* dy,
                                    const float* gamma, const float* save_mean,
                                    const float* save_invstd, float* dx, float* dgamma,
                                    float* dbeta) {
  generic::batch_norm2d_backward_training<float>(s, x, dy, gamma, save_mean, save_invstd, dx,
                                                 dgamma, dbeta);
}
void batch_norm2d_backward_inference(const BatchNorm2dShape& s, const float* x, const float* dy,
                                     const float* gamma, const float* running_mean,
                                     const float* running_var, float eps, float* dx, float* dgamma,
                                     float* dbeta) {
  generic::batch_norm2d_backward_inference<float>(s, x, dy, gamma, running_mean, running_var, eps,
                                                  dx, dgamma, dbeta);
}

}  // namespace cnn::kernels::reference
