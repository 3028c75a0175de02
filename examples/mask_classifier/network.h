// The classifier network and its model file.
//
// Two architectures (--network):
//   - "seed" (default): the seed network "MaskDetection1" (README.md), built by the core's
//     cnn::nn::mask_detection_net. Other seed specs keep the same family (conv-relu, conv-relu,
//     pool, conv-relu, pool, flatten, linear-relu, linear) with another input size or other
//     widths: the reduced configuration the tests train in seconds.
//   - "tiny-face": face-api's pretrained face-detector backbone with a linear head
//     (tiny_face_classifier.h), the cross-source recipe's network.
//
// A model file is safetensors with the weights (PyTorch's names, "0.weight" ... "11.bias" for the
// seed network) and the spec and class names in __metadata__, so `eval` and `predict` rebuild the
// exact network and preprocessing from the file alone. Files without an "architecture" entry
// (written before tiny-face existed) are seed networks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cnn/nn/module.h"
#include "cnn/serialize/safetensors.h"
#include "common/exit_codes.h"

namespace cnn {
class Generator;
}

namespace mask_classifier {

// Bad input that is not a dataset problem (malformed model file, bad option value): exit code 2.
using example_common::InputError;

inline constexpr const char* kSeedArchitecture = "seed";
inline constexpr const char* kTinyFaceArchitecture = "tiny-face";

struct NetworkSpec {
  std::string architecture = kSeedArchitecture;
  int image_size = 100;
  int conv1 = 32, conv2 = 64, conv3 = 128;
  int hidden = 1024;
  int classes = 2;
  float dropout = 0.f;  // tiny-face: before the linear layer

  bool is_seed() const;
  bool is_tiny_face() const { return architecture == kTinyFaceArchitecture; }
  // "MaskDetection1", "MaskDetection1(image 32, channels 8,16,16, hidden 64)" or
  // "TinyFace(image 128, dropout 0.2, classes 2)".
  std::string describe() const;
  // Throws InputError for an unknown architecture, a non-positive size or fewer than 2 classes,
  // and an image too small for the architecture.
  void validate() const;
  // The name of the logits' bias tensor ("11.bias", "fc.bias"): its length is the class count.
  std::string logits_bias_name() const;
  // Parses "32,64,128" into conv1..conv3; throws InputError.
  void set_channels(const std::string& text);
};

// The network of `spec`, randomly initialised from `gen`. pretrained_dir (tiny-face only, empty:
// none): face-api's model folder whose TinyFaceDetector weights replace the backbone's.
std::shared_ptr<cnn::nn::Module> build_network(const NetworkSpec& spec, cnn::Generator* gen,
                                               const std::string& pretrained_dir = "");

// flip_average: eval and predict average the logits of each image and its mirror image unless
// told otherwise.
void save_model(const std::string& path, const cnn::nn::Module& model, const NetworkSpec& spec,
                const std::vector<std::string>& classes, bool flip_average = false);

struct LoadedModel {
  std::shared_ptr<cnn::nn::Module> network;
  NetworkSpec spec;
  std::vector<std::string> classes;
  bool flip_average = false;
};
// Throws InputError naming the file for anything malformed (format, metadata, shapes).
LoadedModel load_model(const std::string& path);

}  // namespace mask_classifier
