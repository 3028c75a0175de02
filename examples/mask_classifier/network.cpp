// Network construction and model files (see network.h).
#include "network.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "cnn/error.h"
#include "cnn/nn/conv2d.h"
#include "cnn/nn/layers.h"
#include "cnn/nn/linear.h"
#include "cnn/nn/models.h"
#include "common/model_file.h"

namespace mask_classifier {

bool NetworkSpec::is_seed() const {
  const NetworkSpec seed;
  return image_size == seed.image_size && conv1 == seed.conv1 && conv2 == seed.conv2 &&
         conv3 == seed.conv3 && hidden == seed.hidden && classes == seed.classes;
}

std::string NetworkSpec::describe() const {
  if (is_seed()) return "MaskDetection1";
  std::ostringstream s;
  s << "MaskDetection1(image " << image_size << ", channels " << conv1 << "," << conv2 << ","
    << conv3 << ", hidden " << hidden << ", classes " << classes << ")";
  return s.str();
}

void NetworkSpec::validate() const {
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

std::shared_ptr<cnn::nn::Sequential> build_network(const NetworkSpec& spec, cnn::Generator* gen) {
  spec.validate();
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
                const std::vector<std::string>& classes) {
  cnn::serialize::Metadata meta;
  meta["format"] = "mask-classifier/1";
  meta["network"] = spec.describe();
  meta["image_size"] = std::to_string(spec.image_size);
  meta["channels"] = std::to_string(spec.conv1) + "," + std::to_string(spec.conv2) + "," +
                     std::to_string(spec.conv3);
  meta["hidden"] = std::to_string(spec.hidden);
  meta["classes"] = nlohmann::json(classes).dump();
  meta["input"] = "RGB in [0,1], NCHW, resized with stb_image_resize (sRGB), alpha over white";
  cnn::serialize::save_safetensors(path, model.state_dict(), meta);
}

LoadedModel load_model(const std::string& path) {
  const example_common::ModelFile file(path, "mask-classifier/1", "mask-classifier train");
  return file.parse([&] {
    LoadedModel m;
    m.spec.image_size = std::stoi(file.field("image_size"));
    m.spec.set_channels(file.field("channels"));
    m.spec.hidden = std::stoi(file.field("hidden"));
    m.classes = nlohmann::json::parse(file.field("classes")).get<std::vector<std::string>>();
    m.spec.classes = static_cast<int>(m.classes.size());
    m.network = build_network(m.spec, nullptr);
    m.network->load_state_dict(file.contents().tensors, /*strict=*/true);
    return m;
  });
}

}  // namespace mask_classifier
