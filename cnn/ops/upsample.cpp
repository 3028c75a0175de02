// upsample_nearest2d by an integer factor: every input pixel becomes a scale x scale block; the
// backward sums each block of the output gradient back into its pixel.
#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {

Tensor upsample_nearest2d(const Tensor& x, int scale) {
  constexpr const char* op = "upsample_nearest2d";
  detail::check_defined(op, "input", x);
  detail::check_dim(op, "input", x, 4);
  kernels::UpsampleShape s;
  s.N = detail::to_int(op, x.size(0));
  s.C = detail::to_int(op, x.size(1));
  s.H = detail::to_int(op, x.size(2));
  s.W = detail::to_int(op, x.size(3));
  s.scale = scale;
  if (scale < 1) {
    throw Error(std::string(op) + ": scale " + std::to_string(scale) +
                " must be a positive integer");
  }
  if (!s.valid()) {
    throw Error(std::string(op) + ": input " + shape_str(x.shape()) + " with scale " +
                std::to_string(scale) + " is invalid (empty, or the output exceeds int range)");
  }
  Tensor y = Tensor::empty({s.N, s.C, s.P(), s.Q()}, x.device());
  CNN_KERNEL(x.device(), "upsample_nearest2d",
             kcpu::upsample_nearest2d_forward(s, x.data(), y.data()),
             kcuda::upsample_nearest2d_forward(s, x.data(), y.data(), detail::cuda_stream()));
  const Shape input_shape = x.shape();
  return record(op, y, {x}, [s, input_shape](const Tensor& dy) {
    Tensor dx = Tensor::empty(input_shape, dy.device());
    CNN_KERNEL(dy.device(), "upsample_nearest2d backward",
               kcpu::upsample_nearest2d_backward(s, dy.data(), dx.data()),
               kcuda::upsample_nearest2d_backward(s, dy.data(), dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

}  // namespace cnn
