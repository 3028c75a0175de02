// The classifier network and its model file.
//
// The default spec is the seed network "MaskDetection1" (README.md), built by the core's
// cnn::nn::mask_detection_net. Other specs keep the same architecture family (conv-relu,
// conv-relu, pool, conv-relu, pool, flatten, linear-relu, linear) with another input size or
// other widths: the reduced configuration the tests train in seconds.
//
// A model file is safetensors with the weights under PyTorch's names ("0.weight" ... "11.bias")
// and the spec and class names in __metadata__, so `eval` and `predict` rebuild the exact network
// and preprocessing from the file alone.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cnn/nn/sequential.h"
#include "cnn/serialize/safetensors.h"
#include "common/exit_codes.h"

namespace cnn {
class Generator;
}

namespace mask_classifier {

// Bad input that is not a dataset problem (malformed model file, bad option value): exit code 2.
using example_common::InputError;

struct NetworkSpec {
  int image_size = 100;
  int conv1 = 32, conv2 = 64, conv3 = 128;
  int hidden = 1024;
  int classes = 2;

  bool is_seed() const;
  // "MaskDetection1" or "MaskDetection1(image 32, channels 8,16,16, hidden 64)".
  std::string describe() const;
  // Throws InputError unless every size is positive and the image survives two 2x2 pools.
  void validate() const;
  // Parses "32,64,128" into conv1..conv3; throws InputError.
  void set_channels(const std::string& text);
};

std::shared_ptr<cnn::nn::Sequential> build_network(const NetworkSpec& spec, cnn::Generator* gen);

void save_model(const std::string& path, const cnn::nn::Module& model, const NetworkSpec& spec,
                const std::vector<std::string>& classes);

struct LoadedModel {
  std::shared_ptr<cnn::nn::Sequential> network;
  NetworkSpec spec;
  std::vector<std::string> classes;
};
// Throws InputError naming the file for anything malformed (format, metadata, shapes).
LoadedModel load_model(const std::string& path);

}  // namespace mask_classifier
