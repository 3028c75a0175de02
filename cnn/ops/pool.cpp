// max_pool2d: the forward stores each output's argmax (int32, on the tensor's device) and the
// backward scatters the gradient through it. max_pool2d_same maps TensorFlow's 'same' padding onto
// the same kernels (begin padding + extra -infinity padding at the end).
#include <algorithm>
#include <memory>

#include "cnn/allocator.h"
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {

namespace {
// Runs the kernels on a validated shape and records the backward.
Tensor max_pool2d_shape(const Tensor& x, const kernels::MaxPool2dShape& s) {
  Tensor y = Tensor::empty({s.N, s.C, s.P(), s.Q()}, x.device());
  auto argmax =
      std::make_shared<Storage>(static_cast<size_t>(s.output_size()) * sizeof(int32_t), x.device());
  auto* idx = static_cast<int32_t*>(argmax->data);
  CNN_KERNEL(x.device(), "max_pool2d", kcpu::max_pool2d_forward(s, x.data(), y.data(), idx),
             kcuda::max_pool2d_forward(s, x.data(), y.data(), idx, detail::cuda_stream()));

  const Shape input_shape = x.shape();
  return record("max_pool2d", y, {x}, [s, argmax, input_shape](const Tensor& dy) {
    Tensor dx = Tensor::empty(input_shape, dy.device());
    const auto* idx = static_cast<const int32_t*>(argmax->data);
    CNN_KERNEL(dy.device(), "max_pool2d backward",
               kcpu::max_pool2d_backward(s, dy.data(), idx, dx.data()),
               kcuda::max_pool2d_backward(s, dy.data(), idx, dx.data(), detail::cuda_stream()));
    return std::vector<Tensor>{dx};
  });
}

// TensorFlow's 'same' padding of one axis: output ceil(in / stride); the total padding is split
// begin = total / 2 and end = the rest, so an odd total pads one more at the end.
void same_padding(int in, int kernel, int stride, int& pad_begin, int& extra_end) {
  const int out = (in + stride - 1) / stride;
  const int total = std::max((out - 1) * stride + kernel - in, 0);
  pad_begin = total / 2;
  extra_end = total - 2 * pad_begin;  // the end gets pad_begin from pad_h/pad_w plus this
}
}  // namespace

Tensor max_pool2d_same(const Tensor& x, int kernel, int stride) {
  detail::check_defined("max_pool2d_same", "input", x);
  detail::check_dim("max_pool2d_same", "input", x, 4);
  if (kernel <= 0 || stride <= 0) {
    throw Error("max_pool2d_same: kernel " + std::to_string(kernel) + " and stride " +
                std::to_string(stride) + " must be positive");
  }
  kernels::MaxPool2dShape s;
  s.N = detail::to_int("max_pool2d_same", x.size(0));
  s.C = detail::to_int("max_pool2d_same", x.size(1));
  s.H = detail::to_int("max_pool2d_same", x.size(2));
  s.W = detail::to_int("max_pool2d_same", x.size(3));
  s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride;
  same_padding(s.H, kernel, stride, s.pad_h, s.extra_pad_h_end);
  same_padding(s.W, kernel, stride, s.pad_w, s.extra_pad_w_end);
  // The split always satisfies the shape's rules (total <= kernel - 1); checked all the same.
  if (!s.valid()) {
    throw Error("max_pool2d_same: input " + shape_str(x.shape()) + " with kernel " +
                std::to_string(kernel) + ", stride " + std::to_string(stride) +
                " gives an invalid pooling shape");
  }
  return max_pool2d_shape(x, s);
}

Tensor max_pool2d(const Tensor& x, int kernel, int stride, int padding, int dilation) {
  detail::check_defined("max_pool2d", "input", x);
  detail::check_dim("max_pool2d", "input", x, 4);
  kernels::MaxPool2dShape s;
  s.N = detail::to_int("max_pool2d", x.size(0));
  s.C = detail::to_int("max_pool2d", x.size(1));
  s.H = detail::to_int("max_pool2d", x.size(2));
  s.W = detail::to_int("max_pool2d", x.size(3));
  s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride == 0 ? kernel : stride;
  s.pad_h = s.pad_w = padding;
  s.dilation_h = s.dilation_w = dilation;
  // window_output_size truncates toward zero, so a window larger than the padded input would
  // still count one output; PyTorch rejects it, and so do we.
  const int span = dilation * (kernel - 1) + 1;
  if (!s.valid() || s.H + 2 * padding < span || s.W + 2 * padding < span) {
    throw Error("max_pool2d: input " + shape_str(x.shape()) + " with kernel " +
                std::to_string(kernel) + ", stride " + std::to_string(s.stride_h) + ", padding " +
                std::to_string(padding) + ", dilation " + std::to_string(dilation) +
                " is invalid (padding must be at most half the kernel and the output non-empty)");
  }
  return max_pool2d_shape(x, s);
}

}  // namespace cnn
