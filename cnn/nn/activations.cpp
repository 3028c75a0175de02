// LeakyReLU, Hardtanh, ReLU6, Sigmoid and Upsample modules (cnn/nn/activations.h).
#include "cnn/nn/activations.h"

#include <cmath>
#include <sstream>

#include "cnn/error.h"
#include "cnn/ops.h"

namespace cnn::nn {
namespace {

// PyTorch prints floats in their shortest form ("0.01", "-1.0").
std::string float_repr(float v) {
  std::ostringstream os;
  os << v;
  std::string s = os.str();
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

LeakyReLU::LeakyReLU(float negative_slope) : negative_slope_(negative_slope) {
  if (!std::isfinite(negative_slope)) {
    throw Error("LeakyReLU: negative_slope=" + std::to_string(negative_slope) + " is not finite");
  }
}

Tensor LeakyReLU::forward(const Tensor& x) {
  return leaky_relu(x, negative_slope_);
}

std::string LeakyReLU::extra_repr() const {
  return "negative_slope=" + float_repr(negative_slope_);
}

Hardtanh::Hardtanh(float min_val, float max_val) : min_val_(min_val), max_val_(max_val) {
  if (!(min_val <= max_val)) {
    throw Error("Hardtanh: min_val=" + std::to_string(min_val) +
                " exceeds max_val=" + std::to_string(max_val));
  }
}

Tensor Hardtanh::forward(const Tensor& x) {
  return clamp(x, min_val_, max_val_);
}

std::string Hardtanh::extra_repr() const {
  return "min_val=" + float_repr(min_val_) + ", max_val=" + float_repr(max_val_);
}

Tensor ReLU6::forward(const Tensor& x) {
  return relu6(x);
}

Tensor Sigmoid::forward(const Tensor& x) {
  return sigmoid(x);
}

Upsample::Upsample(int scale_factor, const std::string& mode) : scale_factor_(scale_factor) {
  if (scale_factor < 1) {
    throw Error("Upsample: scale_factor=" + std::to_string(scale_factor) +
                " must be a positive integer");
  }
  if (mode != "nearest") {
    throw Error("Upsample: mode '" + mode + "' is not supported; only 'nearest' is implemented");
  }
}

Tensor Upsample::forward(const Tensor& x) {
  return upsample_nearest2d(x, scale_factor_);
}

std::string Upsample::extra_repr() const {
  return "scale_factor=" + float_repr(float(scale_factor_)) + ", mode='nearest'";
}

Shape Upsample::output_shape(const Shape& in) const {
  if (in.size() != 4) throw Error("Upsample: input " + shape_str(in) + " must be [N,C,H,W]");
  return {in[0], in[1], in[2] * scale_factor_, in[3] * scale_factor_};
}

}  // namespace cnn::nn
