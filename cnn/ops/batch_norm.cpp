// batch_norm2d (PyTorch's F.batch_norm on [N,C,H,W]): training mode normalises with the batch
// statistics, saves mean and invstd for the backward and updates the running statistics in place
// (in the same kernel); eval mode normalises with the running statistics, which are then constants
// of the backward (frozen-BN fine-tuning still gets dx, dweight, dbias).
//
// The running statistics are buffers: they never require grad and are mutated here, in place, as
// PyTorch does; everything else follows the functional convention (the output is a new tensor).
#include <memory>
#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {

namespace {

void check_channel_vector(const Tensor& x, const char* name, const Tensor& t) {
  detail::check_same_device("batch_norm2d", "input", x, name, t);
  if (t.shape() != Shape{x.size(1)}) {
    throw Error(std::string("batch_norm2d: ") + name + " " + shape_str(t.shape()) +
                " does not match input " + shape_str(x.shape()) + " (expected [" +
                std::to_string(x.size(1)) + "])");
  }
}

}  // namespace

Tensor batch_norm2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Tensor& running_mean, const Tensor& running_var, bool training,
                    float momentum, float eps) {
  detail::check_defined("batch_norm2d", "input", x);
  detail::check_dim("batch_norm2d", "input", x, 4);
  kernels::BatchNorm2dShape s;
  s.N = detail::to_int("batch_norm2d", x.size(0));
  s.C = detail::to_int("batch_norm2d", x.size(1));
  s.H = detail::to_int("batch_norm2d", x.size(2));
  s.W = detail::to_int("batch_norm2d", x.size(3));
  if (!s.valid()) throw Error("batch_norm2d: input " + shape_str(x.shape()) + " is empty");
  if (!(eps > 0.f)) throw Error("batch_norm2d: eps=" + std::to_string(eps) + " must be positive");
  if (running_mean.defined() != running_var.defined()) {
    throw Error("batch_norm2d: running_mean and running_var must both be given or both be empty");
  }
  if (running_mean.defined()) {
    check_channel_vector(x, "running_mean", running_mean);
    check_channel_vector(x, "running_var", running_var);
  } else if (!training) {
    throw Error("batch_norm2d: eval mode (training=false) needs running_mean and running_var");
  }
  if (training && s.per_channel() < 2) {
    throw Error("batch_norm2d: expected more than 1 value per channel when training, got input " +
                shape_str(x.shape()));
  }
  // No affine parameters: gamma 1 and beta 0 (the kernels always read both).
  Tensor gamma = weight, beta = bias;
  if (gamma.defined())
    check_channel_vector(x, "weight", gamma);
  else
    gamma = Tensor::ones({s.C}, x.device());
  if (beta.defined())
    check_channel_vector(x, "bias", beta);
  else
    beta = Tensor::zeros({s.C}, x.device());

  Tensor y = Tensor::empty(x.shape(), x.device());
  if (!training) {
    CNN_KERNEL(x.device(), "batch_norm2d",
               kcpu::batch_norm2d_forward_inference(s, x.data(), gamma.data(), beta.data(),
                                                    running_mean.data(), running_var.data(), eps,
                                                    y.data()),
               kcuda::batch_norm2d_forward_inference(s, x.data(), gamma.data(), beta.data(),
                                                     running_mean.data(), running_var.data(), eps,
                                                     y.data(), detail::cuda_stream()));
    return record("batch_norm2d", y, {x, weight, bias},
                  [s, x, gamma, running_mean, running_var, eps](const Tensor& dy) {
                    Tensor dx = Tensor::empty(x.shape(), dy.device());
                    Tensor dgamma = Tensor::empty({s.C}, dy.device());
                    Tensor dbeta = Tensor::empty({s.C}, dy.device());
                    CNN_KERNEL(dy.device(), "batch_norm2d backward (eval)",
                               kcpu::batch_norm2d_backward_inference(
                                   s, x.data(), dy.data(), gamma.data(), running_mean.data(),
                                   running_var.data(), eps, dx.data(), dgamma.data(), dbeta.data()),
                               kcuda::batch_norm2d_backward_inference(
                                   s, x.data(), dy.data(), gamma.data(), running_mean.data(),
                                   running_var.data(), eps, dx.data(), dgamma.data(), dbeta.data(),
                                   detail::cuda_stream()));
                    return std::vector<Tensor>{dx, dgamma, dbeta};
                  });
  }

  Tensor save_mean = Tensor::empty({s.C}, x.device());
  Tensor save_invstd = Tensor::empty({s.C}, x.device());
  float* rm = running_mean.defined() ? running_mean.data() : nullptr;
  float* rv = running_var.defined() ? running_var.data() : nullptr;
  CNN_KERNEL(
      x.device(), "batch_norm2d",
      kcpu::batch_norm2d_forward_training(s, x.data(), gamma.data(), beta.data(), eps, momentum,
                                          y.data(), save_mean.data(), save_invstd.data(), rm, rv),
      kcuda::batch_norm2d_forward_training(s, x.data(), gamma.data(), beta.data(), eps, momentum,
                                           y.data(), save_mean.data(), save_invstd.data(), rm, rv,
                                           detail::cuda_stream()));
  return record(
      "batch_norm2d", y, {x, weight, bias},
      [s, x, gamma, save_mean, save_invstd](const Tensor& dy) {
        Tensor dx = Tensor::empty(x.shape(), dy.device());
        Tensor dgamma = Tensor::empty({s.C}, dy.device());
        Tensor dbeta = Tensor::empty({s.C}, dy.device());
        CNN_KERNEL(dy.device(), "batch_norm2d backward",
                   kcpu::batch_norm2d_backward_training(s, x.data(), dy.data(), gamma.data(),
                                                        save_mean.data(), save_invstd.data(),
                                                        dx.data(), dgamma.data(), dbeta.data()),
                   kcuda::batch_norm2d_backward_training(
                       s, x.data(), dy.data(), gamma.data(), save_mean.data(), save_invstd.data(),
                       dx.data(), dgamma.data(), dbeta.data(), detail::cuda_stream()));
        return std::vector<Tensor>{dx, dgamma, dbeta};
      });
}

}  // namespace cnn
