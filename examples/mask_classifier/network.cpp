// Network construction and model files (see network.h).
#include "network.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "cnn/error.h"
#include "cnn/nn/conv2d.h"
#include "cnn/nn/layers.h"
#include "cnn/nn/linear.h"
#include "cnn/nn/models.h"
#include "common/cli_checks.h"
#include "common/model_file.h"
#include "tiny_face_classifier.h"

namespace mask_classifier {

bool NetworkSpec::is_seed() const {
  const NetworkSpec seed;
  return architecture == seed.architecture && image_size == seed.image_size &&
         conv1 == seed.conv1 && conv2 == seed.conv2 && conv3 == seed.conv3 &&
         hidden == seed.hidden && classes == seed.classes;
}

std::string NetworkSpec::describe() const {
  if (is_seed()) return "MaskDetection1";
  std::ostringstream s;
  if (is_tiny_face()) {
    s << "TinyFace(image " << image_size << ", dropout " << dropout << ", classes " << classes
      << ")";
    return s.str();
  }
  s << "MaskDetection1(image " << image_size << ", channels " << conv1 << "," << conv2 << ","
    << conv3 << ", hidden " << hidden << ", classes " << classes << ")";
  return s.str();
}

std::string NetworkSpec::logits_bias_name() const {
  return is_tiny_face() ? "fc.bias" : "11.bias";
}

void NetworkSpec::validate() const {
  if (architecture != kSeedArchitecture && !is_tiny_face()) {
    throw InputError("--network must be " + std::string(kSeedArchitecture) + " or " +
                     kTinyFaceArchitecture + ", got '" + architecture + "'");
  }
  if (is_tiny_face()) {
    if (image_size < 32 || classes < 2 || !(dropout >= 0 && dropout < 1)) {
      throw InputError("invalid network: " + describe() +
                       " (image size >= 32, --dropout in [0, 1), at least 2 classes)");
    }
    return;
  }
  if (dropout != 0) throw InputError("--dropout applies only to --network tiny-face");
  if (image_size < 4 || conv1 <= 0 || conv2 <= 0 || conv3 <= 0 || hidden <= 0 || classes < 2) {
    throw InputError("invalid network: " + describe() +
                     " (image size >= 4, positive widths, at least 2 classes)");
  }
}

void NetworkSpec::set_channels(const std::string& text) {
  int a = 0, b = 0, c = 0;
  char s1 = 0, s2 = 0;
  std::istringstream in(text);
  if (!(in >> a >> s1 >> b >> s2 >> c) || s1 != ',' || s2 != ',' || !in.eof() || a <= 0 || b <= 0 ||
      c <= 0) {
    throw InputError("--channels must be three positive integers like 32,64,128, got '" + text +
                     "'");
  }
  conv1 = a, conv2 = b, conv3 = c;
}

std::shared_ptr<cnn::nn::Module> build_network(const NetworkSpec& spec, cnn::Generator* gen,
                                               const std::string& pretrained_dir) {
  spec.validate();
  if (spec.is_tiny_face()) {
    auto net = std::make_shared<TinyFaceClassifier>(spec.classes, spec.dropout, gen);
    if (!pretrained_dir.empty()) net->load_pretrained_backbone(pretrained_dir);
    return net;
  }
  if (spec.is_seed()) return cnn::nn::mask_detection_net(gen);
  using namespace cnn::nn;
  const int side = spec.image_size / 2 / 2;
  // Same layer order (and so the same parameter names) as the seed network.
  auto net = std::make_shared<Sequential>();
  net->push_back(std::make_shared<Conv2d>(3, spec.conv1, 3, 1, 1, true, gen));
  net->push_back(std::make_shared<ReLU>());
  net->push_back(std::make_shared<Conv2d>(spec.conv1, spec.conv2, 3, 1, 1, true, gen));
  net->push_back(std::make_shared<ReLU>());
  net->push_back(std::make_shared<MaxPool2d>(2, 2));
  net->push_back(std::make_shared<Conv2d>(spec.conv2, spec.conv3, 3, 1, 1, true, gen));
  net->push_back(std::make_shared<ReLU>());
  net->push_back(std::make_shared<MaxPool2d>(2, 2));
  net->push_back(std::make_shared<Flatten>());
  net->push_back(std::make_shared<Linear>(spec.conv3 * side * side, spec.hidden, true, gen));
  net->push_back(std::make_shared<ReLU>());
  net->push_back(std::make_shared<Linear>(spec.hidden, spec.classes, true, gen));
  return net;
}

void save_model(const std::string& path, const cnn::nn::Module& model, const NetworkSpec& spec,
                const std::vector<std::string>& classes, bool flip_average) {
  cnn::serialize::Metadata meta;
  meta["format"] = "mask-classifier/1";
  meta["network"] = spec.describe();
  meta["architecture"] = spec.architecture;
  meta["image_size"] = std::to_string(spec.image_size);
  if (spec.is_tiny_face()) {
    std::ostringstream dropout;  // "0.2", not 0.20000000298
    dropout << example_common::shortest_decimal(spec.dropout);
    meta["dropout"] = dropout.str();
  } else {
    meta["channels"] = std::to_string(spec.conv1) + "," + std::to_string(spec.conv2) + "," +
                       std::to_string(spec.conv3);
    meta["hidden"] = std::to_string(spec.hidden);
  }
  meta["classes"] = nlohmann::json(classes).dump();
  meta["flip_average"] = flip_average ? "true" : "false";
  meta["input"] = "RGB in [0,1], NCHW, resized with stb_image_resize (sRGB), alpha over white";
  cnn::serialize::save_safetensors(path, model.state_dict(), meta);
}

LoadedModel load_model(const std::string& path) {
  const example_common::ModelFile file(path, "mask-classifier/1", "mask-classifier train");
  return file.parse([&] {
    LoadedModel m;
    if (file.has("architecture")) m.spec.architecture = file.field("architecture");
    m.spec.image_size = std::stoi(file.field("image_size"));
    if (m.spec.is_tiny_face()) {
      m.spec.dropout = std::stof(file.field("dropout"));
    } else {
      m.spec.set_channels(file.field("channels"));
      m.spec.hidden = std::stoi(file.field("hidden"));
    }
    // Absent in files written before test-time flips existed: off.
    m.flip_average = file.has("flip_average") && file.field("flip_average") == "true";
    m.classes = nlohmann::json::parse(file.field("classes")).get<std::vector<std::string>>();
    m.spec.classes = static_cast<int>(m.classes.size());
    m.network = build_network(m.spec, nullptr);
    m.network->load_state_dict(file.contents().tensors, /*strict=*/true);
    return m;
  });
}

}  // namespace mask_classifier
