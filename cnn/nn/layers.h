// Parameter-free layers: ReLU, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout. Thin
// wrappers over cnn/ops.h.
#pragma once

#include "cnn/nn/module.h"

namespace cnn {
class Generator;
}

namespace cnn::nn {

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "ReLU"; }
};

class MaxPool2d : public Module {
 public:
  // stride 0 means stride = kernel_size (PyTorch's default).
  explicit MaxPool2d(int kernel_size, int stride = 0, int padding = 0, int dilation = 1);
  // TensorFlow's 'same' padding (max_pool2d_same): MaxPool2d(2, 2, MaxPool2d::same) maps 207 ->
  // 104, MaxPool2d(2, 1, MaxPool2d::same) keeps 13 -> 13.
  struct SamePadding {};
  static constexpr SamePadding same{};
  MaxPool2d(int kernel_size, int stride, SamePadding);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "MaxPool2d"; }
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

 private:
  int kernel_size_, stride_, padding_, dilation_;
  bool same_padding_ = false;
};

// PyTorch's AvgPool2d (square kernel; stride 0 means stride = kernel_size).
class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(int kernel_size, int stride = 0, int padding = 0,
                     bool count_include_pad = true);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "AvgPool2d"; }
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

 private:
  int kernel_size_, stride_, padding_;
  bool count_include_pad_;
};

// PyTorch's AdaptiveAvgPool2d for output size 1 only (global average pooling, [N,C,1,1]); other
// output sizes are a cnn::Error at construction.
class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(int output_size = 1);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "AdaptiveAvgPool2d"; }
  std::string extra_repr() const override { return "output_size=1"; }
  Shape output_shape(const Shape& input) const override;
};

class Flatten : public Module {
 public:
  explicit Flatten(int64_t start_dim = 1) : start_dim_(start_dim) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Flatten"; }
  Shape output_shape(const Shape& input) const override;

 private:
  int64_t start_dim_;
};

// Active only in training mode (Module::train()); the identity after eval().
class Dropout : public Module {
 public:
  explicit Dropout(float p = 0.5f, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;

 private:
  float p_;
  Generator* gen_;
};

}  // namespace cnn::nn
