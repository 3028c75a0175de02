// The mask detector's network and its model file.
//
// Architecture ("TinyFace-FPN"): face-api's TinyFaceDetector backbone (conv0 .. conv5 with its
// pools, see cnn/models/tiny_face_detector.h) pretrained on faces, plus a small feature pyramid
// with three YOLO heads, because the faces of street photographs are small: at 416 px the median
// face of facemask-detect is 25 px and 10% are under 12 px, while the stock detector has one
// stride-32 grid. The levels (cnn/detect/yolo.h):
//   stride 32: P5 = leaky(1x1 512->N)(conv5 pooled, 13x13 at 416)
//   stride 16: P4 = leaky(1x1 256->N)(conv4) + upsample2(P5)                          (26x26)
//   stride  8: P3 = leaky(1x1 128->N)(conv3) + upsample2(P4)                          (52x52)
// and on each level a head: depthwise 3x3 + pointwise 1x1 N->N, leaky 0.1, then 1x1 N->A*(5+K).
// The pyramid adds (not concatenates) so each level costs one N-wide separable conv.
//
// Choices that matter:
//   - Input: RGB in [0, 1] as DetectionLoader letterboxes it. face-api subtracts its mean RGB
//     before conv0; conv0 is a 'valid' convolution (no padding), so subtracting a constant is
//     exactly a change of its bias, folded in when the pretrained weights are loaded
//     (fold_input_mean). The model file then needs no preprocessing constants.
//   - Heads start with objectness bias log(0.01/0.99) (RetinaNet's prior): with ~10,600
//     anchors at 416 and a handful of faces, a zero bias makes the first steps all about
//     negatives.
//   - The backbone keeps its parameter names (conv0.weight, conv1.depthwise.weight, ...), so
//     the pretrained weights load by name; --from-pretrained none trains it from scratch.
//
// A model file is safetensors with the class names, input size, strides, anchors and xy_scale in
// its metadata, so eval/detect/video rebuild the exact network from the file alone.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/detect/yolo.h"
#include "cnn/nn/conv2d.h"
#include "cnn/nn/module.h"
#include "common/cli_checks.h"
#include "common/exit_codes.h"

namespace cnn {
class Generator;
}

namespace mask_detector {

using example_common::InputError;

inline constexpr int kLevels = 3;
inline constexpr int kStrides[kLevels] = {8, 16, 32};

struct DetectorSpec {
  int image_size = 416;  // square training input, a multiple of 32 (the anchors are for it)
  // Input side of eval (square), detect/video (the longer side of a rectangle) and of the
  // validation during training, a multiple of 32; 0 = image_size.
  // the network is convolutional and trained with zoom augmentation).
  int inference_size = 0;
  int detect_size() const { return inference_size > 0 ? inference_size : image_size; }
  int neck_channels = 96;
  std::vector<std::string> classes;
  // kLevels lists of anchors (network-input pixels), level l at stride kStrides[l].
  std::vector<std::vector<cnn::detect::Anchor>> anchors;
  // c of cnn/detect/yolo.h's centre decoding: 2 lets neighbouring cells predict a face (what
  // train uses); model files written before this field existed are 1.
  float xy_scale = 1.f;

  cnn::detect::YoloConfig yolo_config() const;
  // "TinyFace-FPN(416 px, detects at 512 px, neck 96, 3 classes, anchors 3+3+3)"
  std::string describe() const;
  // Throws InputError for a size (either) that is not a positive multiple of 32, no class, a level
  // without anchors, or an xy_scale outside [1, 16].
  void validate() const;
};

class MaskDetectorNet : public cnn::nn::Module {
 public:
  MaskDetectorNet(const DetectorSpec& spec, cnn::Generator* gen);

  // x [N, 3, H, W], H and W positive multiples of 32 (image_size square in training,
  // detect_size() square in eval, a detect_size() rectangle in detect/video) -> the three head
  // outputs, strides 8, 16, 32: [N, A_l*(5+K), H/s, W/s].
  std::vector<cnn::Tensor> forward_levels(const cnn::Tensor& x);
  // The three levels flattened and concatenated: [N, A*(5+K), sum of S/s * S/s] (requires the
  // same anchor count on every level). forward_levels is what training and decoding use.
  cnn::Tensor forward(const cnn::Tensor& x) override;
  std::string type_name() const override { return "MaskDetectorNet"; }

  // Copies face-api's TinyFaceDetector weights (conv0 .. conv5) from `model_dir` into the
  // backbone and folds face-api's mean RGB into conv0's bias. Throws cnn::Error when the files
  // are missing or malformed.
  void load_pretrained_backbone(const std::string& model_dir);
  // The backbone's parameters up to and including layer `last` (0 = conv0 only, -1 = none):
  // the layers that training may freeze.
  std::vector<cnn::Tensor> backbone_parameters(int last) const;

  const DetectorSpec& spec() const { return spec_; }

 private:
  struct Separable {
    std::shared_ptr<cnn::nn::Conv2d> depthwise, pointwise;
  };
  Separable add_separable(const std::string& name, int in, int out, cnn::Generator* gen);
  static cnn::Tensor run(const Separable& s, const cnn::Tensor& x);

  DetectorSpec spec_;
  std::shared_ptr<cnn::nn::Conv2d> conv0_;
  Separable backbone_[5];  // conv1 .. conv5
  std::shared_ptr<cnn::nn::Conv2d> lateral_[kLevels];
  Separable head_conv_[kLevels];
  std::shared_ptr<cnn::nn::Conv2d> head_out_[kLevels];
};

// Anchors for the three levels from box sizes in network-input pixels: k-means with
// 3 * kLevels clusters, the smallest three to stride 8 and so on (YOLOv3's scheme).
std::vector<std::vector<cnn::detect::Anchor>> anchors_for_levels(
    const std::vector<cnn::detect::BoxSize>& sizes, uint64_t seed);

// Anchors per level as JSON [[[w, h], ...], ...] (shortest decimals, exact round trip), and as
// a file (the run directory's anchors.json, which --resume reads back). read_anchors_file
// throws InputError naming the file when it is missing or malformed.
nlohmann::json anchors_to_json(const std::vector<std::vector<cnn::detect::Anchor>>& anchors);
std::vector<std::vector<cnn::detect::Anchor>> anchors_from_json(const nlohmann::json& j);
void write_anchors_file(const std::string& path,
                        const std::vector<std::vector<cnn::detect::Anchor>>& anchors);
std::vector<std::vector<cnn::detect::Anchor>> read_anchors_file(const std::string& path);

void save_model(const std::string& path, const MaskDetectorNet& model);

struct LoadedModel {
  std::shared_ptr<MaskDetectorNet> network;
  DetectorSpec spec;
};
// Throws InputError naming the file for anything malformed (format, metadata, shapes).
// inference_size > 0 replaces the file's inference size (eval/detect/video --image-size).
LoadedModel load_model(const std::string& path, int inference_size = 0);

// The check of an input-size flag (--image-size, --inference-size): a positive multiple of 32,
// or 0 when zero_means_default (the model's or the recipe's size).
void check_input_size_flag(example_common::ValueChecks& checks, const std::string& flag, int value,
                           bool zero_means_default);

}  // namespace mask_detector
