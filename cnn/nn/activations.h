// Parameter-free modules for the multi-scale detection heads: LeakyReLU, ReLU6, Hardtanh,
// Sigmoid and nearest-neighbour Upsample. Thin wrappers over cnn/ops.h with PyTorch's names,
// defaults and printed hyper-parameters.
#pragma once

#include <string>

#include "cnn/nn/module.h"

namespace cnn::nn {

class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(float negative_slope = 0.01f);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LeakyReLU"; }
  std::string extra_repr() const override;

 private:
  float negative_slope_;
};

// min(max(x, min_val), max_val); min_val <= max_val.
class Hardtanh : public Module {
 public:
  explicit Hardtanh(float min_val = -1.f, float max_val = 1.f);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Hardtanh"; }
  std::string extra_repr() const override;

 private:
  float min_val_, max_val_;
};

class ReLU6 : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "ReLU6"; }
};

class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sigmoid"; }
};

// Integer scale factors only, mode "nearest" only (anything else is a cnn::Error at
// construction, not a silent substitute).
class Upsample : public Module {
 public:
  explicit Upsample(int scale_factor, const std::string& mode = "nearest");
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Upsample"; }
  std::string extra_repr() const override;
  Shape output_shape(const Shape& input) const override;

 private:
  int scale_factor_;
};

}  // namespace cnn::nn
