// The TinyFace-FPN detector and its model file (see network.h).
#include "network.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cnn/autograd.h"
#include "cnn/error.h"
#include "cnn/models/tiny_face_backbone.h"
#include "cnn/models/tiny_face_detector.h"
#include "cnn/ops.h"
#include "cnn/serialize/safetensors.h"
#include "common/cli_checks.h"
#include "common/model_file.h"
#include "common/run_dir.h"

namespace mask_detector {
namespace {

constexpr int kBackboneChannels[6] = {16, 32, 64, 128, 256, 512};
constexpr float kLeakySlope = cnn::models::TinyFaceDetectorConfig::kLeakySlope;
// Backbone features feeding the pyramid: conv3 (stride 8), conv4 (16), conv5 pooled (32).
constexpr int kLevelInputChannels[kLevels] = {128, 256, 512};
constexpr const char* kFormat = "mask-detector/1";

cnn::Tensor leaky(const cnn::Tensor& x) {
  return cnn::leaky_relu(x, kLeakySlope);
}

}  // namespace

cnn::detect::YoloConfig DetectorSpec::yolo_config() const {
  cnn::detect::YoloConfig c;
  c.num_classes = static_cast<int>(classes.size());
  c.xy_scale = xy_scale;
  for (int l = 0; l < kLevels; ++l) {
    c.levels.push_back({kStrides[l], l < static_cast<int>(anchors.size())
                                         ? anchors[l]
                                         : std::vector<cnn::detect::Anchor>{}});
  }
  return c;
}

std::string DetectorSpec::describe() const {
  std::ostringstream s;
  s << "TinyFace-FPN(" << image_size << " px";
  if (detect_size() != image_size) s << ", detects at " << detect_size() << " px";
  s << ", neck " << neck_channels << ", " << classes.size() << " classes, anchors";
  for (size_t l = 0; l < anchors.size(); ++l) s << (l ? "+" : " ") << anchors[l].size();
  s << ")";
  return s.str();
}

void DetectorSpec::validate() const {
  if (image_size < 32 || image_size % 32 != 0) {
    throw InputError("--image-size must be a positive multiple of 32, got " +
                     std::to_string(image_size));
  }
  if (inference_size != 0 && (inference_size < 32 || inference_size % 32 != 0)) {
    throw InputError("the inference size must be a positive multiple of 32, got " +
                     std::to_string(inference_size));
  }
  if (neck_channels < 1) throw InputError("the neck width must be positive");
  if (classes.empty()) throw InputError("the detector needs at least one class");
  if (anchors.size() != kLevels) throw InputError("the detector needs anchors for 3 levels");
  if (!(xy_scale >= 1.f && xy_scale <= 16.f)) {
    throw InputError("the detector's xy_scale must be in [1, 16], got " + std::to_string(xy_scale));
  }
  for (const auto& level : anchors) {
    if (level.empty()) throw InputError("every detector level needs at least one anchor");
    for (const cnn::detect::Anchor& a : level) {
      if (!(a.w > 0 && a.h > 0)) throw InputError("anchor sizes must be positive");
    }
  }
}

MaskDetectorNet::Separable MaskDetectorNet::add_separable(const std::string& name, int in, int out,
                                                          cnn::Generator* gen) {
  cnn::nn::Conv2dConfig dw;
  dw.kernel_h = dw.kernel_w = 3;
  dw.pad_h = dw.pad_w = 1;
  dw.groups = in;
  dw.bias = false;
  Separable s;
  s.depthwise =
      register_module(name + ".depthwise", std::make_shared<cnn::nn::Conv2d>(in, in, dw, gen));
  s.pointwise = register_module(name + ".pointwise",
                                std::make_shared<cnn::nn::Conv2d>(in, out, 1, 1, 0, true, gen));
  return s;
}

cnn::Tensor MaskDetectorNet::run(const Separable& s, const cnn::Tensor& x) {
  return leaky((*s.pointwise)((*s.depthwise)(x)));
}

MaskDetectorNet::MaskDetectorNet(const DetectorSpec& spec, cnn::Generator* gen) : spec_(spec) {
  spec_.validate();
  conv0_ = register_module(
      "conv0", std::make_shared<cnn::nn::Conv2d>(3, kBackboneChannels[0], 3, 1, 0, true, gen));
  for (int i = 0; i < 5; ++i) {
    backbone_[i] = add_separable("conv" + std::to_string(i + 1), kBackboneChannels[i],
                                 kBackboneChannels[i + 1], gen);
  }
  const int n = spec_.neck_channels;
  const cnn::detect::YoloConfig yolo = spec_.yolo_config();
  for (int l = 0; l < kLevels; ++l) {
    const std::string p = "fpn" + std::to_string(kStrides[l]);
    lateral_[l] = register_module(
        p + ".lateral",
        std::make_shared<cnn::nn::Conv2d>(kLevelInputChannels[l], n, 1, 1, 0, true, gen));
    head_conv_[l] = add_separable(p + ".head", n, n, gen);
    head_out_[l] =
        register_module(p + ".out", std::make_shared<cnn::nn::Conv2d>(
                                        n, static_cast<int>(yolo.channels(l)), 1, 1, 0, true, gen));
    // Objectness prior 0.01 (see network.h); other head biases start at 0.
    cnn::NoGradGuard no_grad;
    const int per_anchor = yolo.values_per_anchor();
    std::vector<float> bias(static_cast<size_t>(yolo.channels(l)), 0.f);
    for (size_t a = 0; a < spec_.anchors[l].size(); ++a)
      bias[a * per_anchor + 4] = std::log(0.01f / 0.99f);
    cnn::Tensor b = head_out_[l]->bias();  // a handle on the parameter's storage
    b.copy_(cnn::Tensor::from_vector(bias, {yolo.channels(l)}));
  }
}

std::vector<cnn::Tensor> MaskDetectorNet::forward_levels(const cnn::Tensor& x) {
  cnn::check(x.dim() == 4 && x.size(1) == 3 && x.size(2) >= 32 && x.size(2) % 32 == 0 &&
                 x.size(3) >= 32 && x.size(3) % 32 == 0,
             "MaskDetectorNet: input " + cnn::shape_str(x.shape()) +
                 " must be [N,3,H,W] with H and W positive multiples of 32");
  cnn::Tensor out = cnn::max_pool2d_same(leaky((*conv0_)(x)), 2, 2);
  cnn::Tensor features[kLevels];
  for (int i = 0; i < 5; ++i) {
    out = run(backbone_[i], out);
    if (i == 2) features[0] = out;  // conv3: stride 8
    if (i == 3) features[1] = out;  // conv4: stride 16
    out = cnn::max_pool2d_same(out, 2, i < 4 ? 2 : 1);
  }
  features[2] = out;  // conv5 pooled (stride 1): stride 32
  std::vector<cnn::Tensor> outputs(kLevels);
  cnn::Tensor above;
  for (int l = kLevels - 1; l >= 0; --l) {
    cnn::Tensor p = leaky((*lateral_[l])(features[l]));
    if (above.defined()) p = p + cnn::upsample_nearest2d(above, 2);
    outputs[l] = (*head_out_[l])(run(head_conv_[l], p));
    above = p;
  }
  return outputs;
}

cnn::Tensor MaskDetectorNet::forward(const cnn::Tensor& x) {
  std::vector<cnn::Tensor> levels = forward_levels(x);
  for (cnn::Tensor& t : levels) t = cnn::reshape(t, {t.size(0), t.size(1), t.size(2) * t.size(3)});
  for (const cnn::Tensor& t : levels) {
    cnn::check(t.size(1) == levels[0].size(1),
               "MaskDetectorNet::forward: levels with different anchor counts cannot be "
               "concatenated; use forward_levels");
  }
  return cnn::concat(levels, 2);
}

void MaskDetectorNet::load_pretrained_backbone(const std::string& model_dir) {
  // Same names as TinyFaceBackbone; the heads keep their initialisation.
  cnn::NoGradGuard no_grad;
  load_state_dict(cnn::models::tiny_face_backbone_weights(model_dir), /*strict=*/false);
}

std::vector<cnn::Tensor> MaskDetectorNet::backbone_parameters(int last) const {
  std::vector<cnn::Tensor> out;
  if (last >= 0) {
    out.push_back(conv0_->weight());
    out.push_back(conv0_->bias());
  }
  for (int i = 0; i < 5 && i < last; ++i) {
    out.push_back(backbone_[i].depthwise->weight());
    out.push_back(backbone_[i].pointwise->weight());
    out.push_back(backbone_[i].pointwise->bias());
  }
  return out;
}

std::vector<std::vector<cnn::detect::Anchor>> anchors_for_levels(
    const std::vector<cnn::detect::BoxSize>& sizes, uint64_t seed) {
  const int k = 3 * kLevels;
  if (static_cast<int>(sizes.size()) < k) {
    throw InputError("the training set has " + std::to_string(sizes.size()) + " boxes; choosing " +
                     std::to_string(k) + " anchors needs at least " + std::to_string(k));
  }
  const std::vector<cnn::detect::Anchor> all = cnn::detect::anchors_from_kmeans(sizes, k, seed);
  std::vector<std::vector<cnn::detect::Anchor>> levels(kLevels);
  for (int i = 0; i < k; ++i)
    levels[static_cast<size_t>(i / 3)].push_back(all[static_cast<size_t>(i)]);
  return levels;
}

nlohmann::json anchors_to_json(const std::vector<std::vector<cnn::detect::Anchor>>& levels) {
  nlohmann::json anchors = nlohmann::json::array();
  for (const auto& level : levels) {
    nlohmann::json l = nlohmann::json::array();
    for (const cnn::detect::Anchor& a : level) {
      l.push_back({example_common::shortest_decimal(a.w), example_common::shortest_decimal(a.h)});
    }
    anchors.push_back(l);
  }
  return anchors;
}

std::vector<std::vector<cnn::detect::Anchor>> anchors_from_json(const nlohmann::json& j) {
  std::vector<std::vector<cnn::detect::Anchor>> levels;
  for (const auto& level : j) {
    std::vector<cnn::detect::Anchor> l;
    for (const auto& a : level) l.push_back({a.at(0).get<float>(), a.at(1).get<float>()});
    levels.push_back(l);
  }
  return levels;
}

void write_anchors_file(const std::string& path,
                        const std::vector<std::vector<cnn::detect::Anchor>>& anchors) {
  example_common::write_json_file(path, anchors_to_json(anchors));
}

std::vector<std::vector<cnn::detect::Anchor>> read_anchors_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read the anchors file " + path);
  try {
    return anchors_from_json(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    throw InputError("the anchors file " + path + " is malformed: " + e.what());
  }
}

void save_model(const std::string& path, const MaskDetectorNet& model) {
  const DetectorSpec& spec = model.spec();
  const nlohmann::json anchors = anchors_to_json(spec.anchors);
  cnn::serialize::Metadata meta;
  meta["format"] = kFormat;
  meta["network"] = spec.describe();
  meta["image_size"] = std::to_string(spec.image_size);
  meta["inference_size"] = std::to_string(spec.detect_size());
  meta["neck_channels"] = std::to_string(spec.neck_channels);
  meta["classes"] = nlohmann::json(spec.classes).dump();
  meta["strides"] = nlohmann::json(std::vector<int>(kStrides, kStrides + kLevels)).dump();
  meta["anchors"] = anchors.dump();
  meta["xy_scale"] = nlohmann::json(example_common::shortest_decimal(spec.xy_scale)).dump();
  meta["input"] =
      "RGB in [0,1], NCHW, letterboxed (centred, fill 114/255) to inference_size square in eval, "
      "its longer side at inference_size in detect/video; trained at image_size square";
  cnn::serialize::save_safetensors(path, model.state_dict(), meta);
}

void check_input_size_flag(example_common::ValueChecks& checks, const std::string& flag, int value,
                           bool zero_means_default) {
  checks.require((zero_means_default && value == 0) || (value >= 32 && value % 32 == 0),
                 flag + " must be a positive multiple of 32, got " + std::to_string(value));
}

LoadedModel load_model(const std::string& path, int inference_size) {
  const example_common::ModelFile file(path, kFormat, "mask-detector train");
  LoadedModel m = file.parse([&] {
    LoadedModel m;
    m.spec.image_size = std::stoi(file.field("image_size"));
    m.spec.neck_channels = std::stoi(file.field("neck_channels"));
    m.spec.classes = nlohmann::json::parse(file.field("classes")).get<std::vector<std::string>>();
    const std::vector<int> strides =
        nlohmann::json::parse(file.field("strides")).get<std::vector<int>>();
    if (strides != std::vector<int>(kStrides, kStrides + kLevels)) {
      throw InputError("model file '" + path + "' has strides " + file.field("strides") +
                       "; this program builds 8, 16, 32");
    }
    m.spec.anchors = anchors_from_json(nlohmann::json::parse(file.field("anchors")));
    // Absent in files written before neighbour-cell training: those decode with c = 1.
    if (file.has("xy_scale")) m.spec.xy_scale = std::stof(file.field("xy_scale"));
    // Absent in files written before: those detected at their training size.
    if (file.has("inference_size")) m.spec.inference_size = std::stoi(file.field("inference_size"));
    if (inference_size > 0) m.spec.inference_size = inference_size;
    m.spec.validate();
    m.network = std::make_shared<MaskDetectorNet>(m.spec, nullptr);
    m.network->load_state_dict(file.contents().tensors, /*strict=*/true);
    return m;
  });
  m.network->eval();
  return m;
}

}  // namespace mask_detector
