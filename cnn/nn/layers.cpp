// Parameter-free layers (see layers.h).
#include "cnn/nn/layers.h"

#include "cnn/error.h"
#include "cnn/ops.h"

namespace cnn::nn {

Tensor ReLU::forward(const Tensor& x) {
  return relu(x);
}

MaxPool2d::MaxPool2d(int kernel_size, int stride, int padding, int dilation)
    : kernel_size_(kernel_size),
      stride_(stride == 0 ? kernel_size : stride),
      padding_(padding),
      dilation_(dilation) {}

Tensor MaxPool2d::forward(const Tensor& x) {
  return max_pool2d(x, kernel_size_, stride_, padding_, dilation_);
}

std::string MaxPool2d::extra_repr() const {
  return "kernel_size=" + std::to_string(kernel_size_) + ", stride=" + std::to_string(stride_) +
         ", padding=" + std::to_string(padding_) + ", dilation=" + std::to_string(dilation_);
}

Shape MaxPool2d::output_shape(const Shape& in) const {
  if (in.size() != 4) throw Error("MaxPool2d: input " + shape_str(in) + " must be [N,C,H,W]");
  auto out = [&](int64_t n) {
    return (n + 2 * padding_ - dilation_ * (kernel_size_ - 1) - 1) / stride_ + 1;
  };
  return {in[0], in[1], out(in[2]), out(in[3])};
}

Tensor Flatten::forward(const Tensor& x) {
  return flatten(x, start_dim_);
}

Shape Flatten::output_shape(const Shape& in) const {
  if (start_dim_ >= static_cast<int64_t>(in.size())) {
    throw Error("Flatten: start_dim " + std::to_string(start_dim_) + " out of range for " +
                shape_str(in));
  }
  Shape out(in.begin(), in.begin() + start_dim_);
  int64_t rest = 1;
  for (size_t i = static_cast<size_t>(start_dim_); i < in.size(); ++i) rest *= in[i];
  out.push_back(rest);
  return out;
}

Dropout::Dropout(float p, Generator* gen) : p_(p), gen_(gen) {
  if (!(p >= 0.f && p < 1.f)) throw Error("Dropout: p=" + std::to_string(p) + " not in [0, 1)");
}

Tensor Dropout::forward(const Tensor& x) {
  return dropout(x, p_, is_training(), gen_);
}

std::string Dropout::extra_repr() const {
  return "p=" + std::to_string(p_);
}

}  // namespace cnn::nn
