// The tiny-face classifier network (see tiny_face_classifier.h).
#include "tiny_face_classifier.h"

#include "cnn/ops.h"

namespace mask_classifier {

TinyFaceClassifier::TinyFaceClassifier(int classes, float dropout, cnn::Generator* gen)
    : dropout_(dropout), gen_(gen) {
  backbone_ = register_module("backbone", std::make_shared<cnn::models::TinyFaceBackbone>(gen));
  fc_ = register_module("fc", std::make_shared<cnn::nn::Linear>(
                                  cnn::models::kTinyFaceBackboneChannels[5], classes, true, gen));
}

cnn::Tensor TinyFaceClassifier::forward(const cnn::Tensor& x) {
  cnn::Tensor features = cnn::flatten(cnn::global_avg_pool2d((*backbone_)(x)));
  if (dropout_ > 0) features = cnn::dropout(features, dropout_, is_training(), gen_);
  return (*fc_)(features);
}

cnn::Shape TinyFaceClassifier::output_shape(const cnn::Shape& input) const {
  const cnn::Shape features = backbone_->output_shape(input);
  return fc_->output_shape({features[0], features[1]});
}

}  // namespace mask_classifier
