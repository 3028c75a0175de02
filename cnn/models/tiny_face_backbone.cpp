// TinyFaceBackbone: layers, pretrained weights with the input mean folded in, forward pass (see
// tiny_face_backbone.h).
#include "cnn/models/tiny_face_backbone.h"

#include "cnn/autograd.h"
#include "cnn/error.h"
#include "cnn/models/tiny_face_detector.h"
#include "cnn/ops.h"

namespace cnn::models {

nn::NamedTensors tiny_face_backbone_weights(const std::string& model_dir) {
  const auto stock = TinyFaceDetector::load(model_dir);
  nn::NamedTensors backbone;
  for (const auto& [name, t] : stock->named_parameters()) {
    if (name.rfind("conv8.", 0) != 0) backbone.emplace_back(name, t.to(Device::cpu()));
  }
  // conv0(x - m) = conv0(x) - sum_{c,kh,kw} w[o,c,kh,kw] * m_c, exact for a 'valid' convolution.
  const Tensor* weight = nullptr;
  for (const auto& [name, t] : backbone)
    if (name == "conv0.weight") weight = &t;
  check(weight != nullptr, "tiny_face_backbone_weights: no conv0.weight");
  const std::vector<float> w = weight->to_vector();
  for (auto& [name, t] : backbone) {
    if (name != "conv0.bias") continue;
    std::vector<float> b = t.to_vector();
    const float* mean = TinyFaceDetectorConfig::kMeanRgb;
    for (size_t o = 0; o < b.size(); ++o) {
      double shift = 0;
      for (int c = 0; c < 3; ++c)
        for (int k = 0; k < 9; ++k) shift += double(w[(o * 3 + c) * 9 + k]) * (mean[c] / 255.0);
      b[o] = static_cast<float>(b[o] - shift);
    }
    t = Tensor::from_vector(b, t.shape());
  }
  return backbone;
}

TinyFaceBackbone::TinyFaceBackbone(Generator* gen) {
  const int* ch = kTinyFaceBackboneChannels;
  conv0_ = register_module("conv0", std::make_shared<nn::Conv2d>(3, ch[0], 3, 1, 0, true, gen));
  for (int i = 0; i < 5; ++i) {
    const std::string name = "conv" + std::to_string(i + 1);
    nn::Conv2dConfig dw;
    dw.kernel_h = dw.kernel_w = 3;
    dw.pad_h = dw.pad_w = 1;
    dw.groups = ch[i];
    dw.bias = false;
    separable_[i].depthwise =
        register_module(name + ".depthwise", std::make_shared<nn::Conv2d>(ch[i], ch[i], dw, gen));
    separable_[i].pointwise = register_module(
        name + ".pointwise", std::make_shared<nn::Conv2d>(ch[i], ch[i + 1], 1, 1, 0, true, gen));
  }
}

void TinyFaceBackbone::load_pretrained(const std::string& model_dir) {
  NoGradGuard no_grad;
  load_state_dict(tiny_face_backbone_weights(model_dir), /*strict=*/true);
}

Shape TinyFaceBackbone::output_shape(const Shape& input) const {
  check(input.size() == 4 && input[1] == 3 && input[2] >= 32 && input[3] >= 32,
        "TinyFaceBackbone: input " + shape_str(input) + " must be [N,3,H,W] with H, W >= 32");
  auto side = [](int64_t s) {
    s -= 2;                                       // conv0 'valid'
    for (int i = 0; i < 5; ++i) s = (s + 1) / 2;  // 'same' pools with stride 2
    return s;
  };
  return {input[0], kTinyFaceBackboneChannels[5], side(input[2]), side(input[3])};
}

Tensor TinyFaceBackbone::forward(const Tensor& x) {
  output_shape(x.shape());  // checks the input
  const float slope = TinyFaceDetectorConfig::kLeakySlope;
  Tensor out = max_pool2d_same(leaky_relu((*conv0_)(x), slope), 2, 2);
  for (int i = 0; i < 5; ++i) {
    out = leaky_relu((*separable_[i].pointwise)((*separable_[i].depthwise)(out)), slope);
    out = max_pool2d_same(out, 2, i < 4 ? 2 : 1);
  }
  return out;
}

std::vector<Tensor> TinyFaceBackbone::parameters_up_to(int last) const {
  std::vector<Tensor> out;
  if (last < 0) return out;
  for (const Tensor& t : conv0_->parameters()) out.push_back(t);
  for (int i = 0; i < 5 && i < last; ++i) {
    for (const Tensor& t : separable_[i].depthwise->parameters()) out.push_back(t);
    for (const Tensor& t : separable_[i].pointwise->parameters()) out.push_back(t);
  }
  return out;
}

}  // namespace cnn::models
