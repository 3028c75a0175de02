// avg_pool2d (PyTorch semantics: zero padding, count_include_pad, floor mode) and
// global_avg_pool2d (AdaptiveAvgPool2d(1)). Global pooling reuses the avg-pool kernels with one
// window the size of the plane (kernel = H x W, no padding): one output per plane, and the backward
// spreads dy / (H*W) over the plane; no separate reduction kernel to keep in step.
#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {

namespace {
Tensor avg_pool2d_shape(const char* op, const Tensor& x, const kernels::AvgPool2dShape& s) {
  Tensor y = Tensor::empty({s.N, s.C, s.P(), s.Q()}, x.device());
  CNN_KERNEL(x.device(), "avg_pool2d", kcpu::avg_pool2d_forward(s, x.data(), y.data()),
             kcuda::avg_pool2d_forward(s, x.data(), y.data(), detail::cuda_stream()));
  const Shape input_shape = x.shape();
  return record(op, y, {x}, [s, input_shape](const Tensor& dy) {
    Tensor dx = Tensor::empty(input_shape, dy.device());
    CNN_KERNEL(dy.device(), "avg_pool2d backward",
               kcpu::avg_pool2d_backward(s, dy.data(), dx.data()),
               kcuda::avg_pool2d_backward(s, dy.data(), dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

kernels::AvgPool2dShape shape_of(const char* op, const Tensor& x) {
  detail::check_defined(op, "input", x);
  detail::check_dim(op, "input", x, 4);
  kernels::AvgPool2dShape s;
  s.N = detail::to_int(op, x.size(0));
  s.C = detail::to_int(op, x.size(1));
  s.H = detail::to_int(op, x.size(2));
  s.W = detail::to_int(op, x.size(3));
  return s;
}
}  // namespace

Tensor avg_pool2d(const Tensor& x, int kernel, int stride, int padding, bool count_include_pad) {
  kernels::AvgPool2dShape s = shape_of("avg_pool2d", x);
  s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride == 0 ? kernel : stride;
  s.pad_h = s.pad_w = padding;
  s.count_include_pad = count_include_pad;
  // window_output_size truncates toward zero, so a window larger than the padded input would
  // still count one output; PyTorch rejects it, and so do we.
  if (!s.valid() || s.H + 2 * padding < kernel || s.W + 2 * padding < kernel) {
    throw Error("avg_pool2d: input " + shape_str(x.shape()) + " with kernel " +
                std::to_string(kernel) + ", stride " + std::to_string(s.stride_h) + ", padding " +
                std::to_string(padding) +
                " is invalid (padding must be at most half the kernel and the output non-empty)");
  }
  return avg_pool2d_shape("avg_pool2d", x, s);
}

Tensor global_avg_pool2d(const Tensor& x) {
  kernels::AvgPool2dShape s = shape_of("global_avg_pool2d", x);
  // The window first: validity is checked for the window actually used (a 1x1 plane is fine).
  s.kernel_h = s.H, s.kernel_w = s.W;
  s.stride_h = s.stride_w = 1;
  s.pad_h = s.pad_w = 0;
  if (!s.valid()) {
    throw Error("global_avg_pool2d: input " + shape_str(x.shape()) + " is empty");
  }
  return avg_pool2d_shape("global_avg_pool2d", x, s);
}

}  // namespace cnn
