// The "tiny-face" classifier network: face-api's TinyFaceDetector backbone, pretrained on faces
// (cnn/models/tiny_face_backbone.h), then global average pooling, dropout and one linear layer
// 512 -> classes. 0.4M parameters against the seed network's 82M.
//
// Why this network for the cross-source recipe: the seed network learns faces from 3,000 close-up
// portraits; the backbone here has learned them from WIDER FACE's crowds and street scenes, small,
// blurred, lit from everywhere - the photos a user's classifier meets. Average pooling makes the
// head independent of the input size, so any side >= 32 works.
#pragma once

#include <memory>

#include "cnn/models/tiny_face_backbone.h"
#include "cnn/nn/linear.h"
#include "cnn/nn/module.h"

namespace mask_classifier {

class TinyFaceClassifier : public cnn::nn::Module {
 public:
  // Random initialisation from `gen` (the backbone is replaced by load_pretrained_backbone).
  TinyFaceClassifier(int classes, float dropout, cnn::Generator* gen);

  void load_pretrained_backbone(const std::string& model_dir) {
    backbone_->load_pretrained(model_dir);
  }

  // x [N, 3, S, S] RGB in [0, 1], S >= 32 -> logits [N, classes].
  cnn::Tensor forward(const cnn::Tensor& x) override;
  std::string type_name() const override { return "TinyFaceClassifier"; }
  cnn::Shape output_shape(const cnn::Shape& input) const override;

 private:
  std::shared_ptr<cnn::models::TinyFaceBackbone> backbone_;
  std::shared_ptr<cnn::nn::Linear> fc_;
  float dropout_;
  cnn::Generator* gen_;
};

}  // namespace mask_classifier
