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

MaxPool2d::MaxPool2d(int kernel_size, int stride, SamePadding)
    : kernel_size_(kernel_size), stride_(stride), padding_(0), dilation_(1), same_padding_(true) {
  if (kernel_size <= 0 || stride <= 0) {
    throw Error("MaxPool2d(kernel_size=" + std::to_string(kernel_size) +
                ", stride=" + std::to_string(stride) + ", padding=same): must be positive");
  }
}

Tensor MaxPool2d::forward(const Tensor& x) {
  if (same_padding_) return max_pool2d_same(x, kernel_size_, stride_);
  return max_pool2d(x, kernel_size_, stride_, padding_, dilation_);
}

std::string MaxPool2d::extra_repr() const {
  if (same_padding_) {
    return "kernel_size=" + std::to_string(kernel_size_) + ", stride=" + std::to_string(stride_) +
           ", padding=same";
  }
  return "kernel_size=" + std::to_string(kernel_size_) + ", stride=" + std::to_string(stride_) +
         ", padding=" + std::to_string(padding_) + ", dilation=" + std::to_string(dilation_);
}

Shape MaxPool2d::output_shape(const Shape& in) const {
  if (in.size() != 4) throw Error("MaxPool2d: input " + shape_str(in) + " must be [N,C,H,W]");
  if (same_padding_) {
    auto out = [&](int64_t n) { return (n + stride_ - 1) / stride_; };
    return {in[0], in[1], out(in[2]), out(in[3])};
  }
  auto out = [&](int64_t n) {
    return (n + 2 * padding_ - dilation_ * (kernel_size_ - 1) - 1) / stride_ + 1;
  };
  return {in[0], in[1], out(in[2]), out(in[3])};
}

AvgPool2d::AvgPool2d(int kernel_size, int stride, int padding, bool count_include_pad)
    : kernel_size_(kernel_size),
      stride_(stride == 0 ? kernel_size : stride),
      padding_(padding),
      count_include_pad_(count_include_pad) {}

Tensor AvgPool2d::forward(const Tensor& x) {
  return avg_pool2d(x, kernel_size_, stride_, padding_, count_include_pad_);
}

std::string AvgPool2d::extra_repr() const {
  return "kernel_size=" + std::to_string(kernel_size_) + ", stride=" + std::to_string(stride_) +
         ", padding=" + std::to_string(padding_) +
         ", count_include_pad=" + (count_include_pad_ ? "True" : "False");
}

Shape AvgPool2d::output_shape(const Shape& in) const {
  if (in.size() != 4) throw Error("AvgPool2d: input " + shape_str(in) + " must be [N,C,H,W]");
  auto out = [&](int64_t n) { return (n + 2 * padding_ - kernel_size_) / stride_ + 1; };
  return {in[0], in[1], out(in[2]), out(in[3])};
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(int output_size) {
  if (output_size != 1) {
    throw Error("AdaptiveAvgPool2d: output_size=" + std::to_string(output_size) +
                " is not supported; only 1 (global average pooling) is implemented");
  }
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) {
  return global_avg_pool2d(x);
}

Shape AdaptiveAvgPool2d::output_shape(const Shape& in) const {
  if (in.size() != 4) {
    throw Error("AdaptiveAvgPool2d: input " + shape_str(in) + " must be [N,C,H,W]");
  }
  return {in[0], in[1], 1, 1};
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
