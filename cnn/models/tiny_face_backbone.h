// The feature extractor of face-api's TinyFaceDetector (conv0 .. conv5 and their pools, without
// the conv8 detection head) as a trainable module, for transfer learning: a network pretrained on
// faces (WIDER FACE) that a classifier or a detector fine-tunes (the mask-classifier's TinyFace
// network, the mask-detector's backbone).
//
// The layers and parameter names are TinyFaceDetector's (cnn/models/tiny_face_detector.h):
//   conv0 3x3 'valid' 3->16, leaky 0.1, max-pool 2x2/2 'same'
//   conv1..conv5 depthwise 3x3 (pad 1) + pointwise 1x1 + bias, leaky 0.1, 16->32->...->512,
//   max-pool 2x2 'same', stride 2 after conv1..conv4, stride 1 after conv5
// so an S x S input gives 512 channels at about S/32 x S/32 (416 -> 13).
//
// Choice that matters: the module takes RGB in [0, 1], what libcnn's loaders produce, not
// face-api's (255 * RGB - mean) / 255. Because conv0 is a 'valid' convolution (no zero padding
// that the shift would change), subtracting the mean is exactly a change of conv0's bias, which
// tiny_face_backbone_weights folds in; the rest of the weights are face-api's unchanged.
#pragma once

#include <memory>
#include <string>

#include "cnn/nn/conv2d.h"
#include "cnn/nn/module.h"

namespace cnn {
class Generator;
}

namespace cnn::models {

// Channels after conv0 .. conv5.
inline constexpr int kTinyFaceBackboneChannels[6] = {16, 32, 64, 128, 256, 512};

// face-api's pretrained conv0 .. conv5 from `model_dir` (face-api's model/ folder, see
// cnn/models/model_cache.h) under TinyFaceDetector's names, on the CPU, with the mean RGB folded
// into conv0.bias so the weights take RGB in [0, 1].
// Throws cnn::Error naming the file when the weights are missing or malformed.
nn::NamedTensors tiny_face_backbone_weights(const std::string& model_dir);

class TinyFaceBackbone : public nn::Module {
 public:
  // Randomly initialised (PyTorch's Conv2d default) from `gen`; load_pretrained replaces it.
  explicit TinyFaceBackbone(Generator* gen = nullptr);

  // Loads tiny_face_backbone_weights(model_dir) (on the device the module is on).
  void load_pretrained(const std::string& model_dir);

  // x [N, 3, H, W], H and W >= 32 (RGB in [0, 1]) -> [N, 512, h, w], h = ceil-halved H five times
  // after conv0's 'valid' border (128 -> 4, 416 -> 13).
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "TinyFaceBackbone"; }
  Shape output_shape(const Shape& input) const override;

  // The parameters of conv0 .. conv`last` (0..5), earliest first: what a "freeze the first
  // layers" recipe leaves out of the optimizer.
  std::vector<Tensor> parameters_up_to(int last) const;

 private:
  struct Separable {
    std::shared_ptr<nn::Conv2d> depthwise, pointwise;
  };
  std::shared_ptr<nn::Conv2d> conv0_;
  Separable separable_[5];
};

}  // namespace cnn::models
