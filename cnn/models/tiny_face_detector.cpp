// TinyFaceDetector network: parameters, weight import from face-api's manifest, forward pass and
// the detect() pipeline (see tiny_face_detector.h for the architecture and the choices).
#include "cnn/models/tiny_face_detector.h"

#include "cnn/autograd.h"
#include "cnn/error.h"
#include "cnn/ops.h"
#include "cnn/serialize/tfjs.h"

namespace cnn::models {
namespace {

using Config = TinyFaceDetectorConfig;

// Channels after conv0 .. conv5 (face-api's filterSizes without the 3 input channels).
constexpr int64_t kChannels[6] = {16, 32, 64, 128, 256, 512};
constexpr int64_t kHeadChannels = Config::kAnchors * Config::kBoxEncoding;  // 25

}  // namespace

TinyFaceDetector::TinyFaceDetector() {
  conv0_weight_ = register_parameter("conv0.weight", Tensor::zeros({kChannels[0], 3, 3, 3}));
  conv0_bias_ = register_parameter("conv0.bias", Tensor::zeros({kChannels[0]}));
  for (int i = 0; i < 5; ++i) {
    const std::string p = "conv" + std::to_string(i + 1);
    const int64_t c = kChannels[i], k = kChannels[i + 1];
    separable_[i].depthwise_weight =
        register_parameter(p + ".depthwise.weight", Tensor::zeros({c, 1, 3, 3}));
    separable_[i].pointwise_weight =
        register_parameter(p + ".pointwise.weight", Tensor::zeros({k, c, 1, 1}));
    separable_[i].bias = register_parameter(p + ".pointwise.bias", Tensor::zeros({k}));
  }
  conv8_weight_ = register_parameter("conv8.weight", Tensor::zeros({kHeadChannels, 512, 1, 1}));
  conv8_bias_ = register_parameter("conv8.bias", Tensor::zeros({kHeadChannels}));
}

std::shared_ptr<TinyFaceDetector> TinyFaceDetector::load(const std::string& model_dir) {
  const serialize::TfjsWeights w =
      serialize::load_tfjs_weights(model_dir + "/tiny_face_detector_model-weights_manifest.json");
  auto net = std::make_shared<TinyFaceDetector>();
  nn::NamedTensors state;
  state.emplace_back("conv0.weight",
                     serialize::tfjs_conv_filter_to_oihw(w.get("conv0/filters", {3, 3, 3, 16})));
  state.emplace_back("conv0.bias", w.get("conv0/bias", {16}));
  for (int i = 0; i < 5; ++i) {
    const std::string tf = "conv" + std::to_string(i + 1);
    const int64_t c = kChannels[i], k = kChannels[i + 1];
    state.emplace_back(tf + ".depthwise.weight", serialize::tfjs_depthwise_filter_to_c1hw(w.get(
                                                     tf + "/depthwise_filter", {3, 3, c, 1})));
    state.emplace_back(tf + ".pointwise.weight", serialize::tfjs_conv_filter_to_oihw(w.get(
                                                     tf + "/pointwise_filter", {1, 1, c, k})));
    state.emplace_back(tf + ".pointwise.bias", w.get(tf + "/bias", {k}));
  }
  state.emplace_back("conv8.weight", serialize::tfjs_conv_filter_to_oihw(
                                         w.get("conv8/filters", {1, 1, 512, kHeadChannels})));
  state.emplace_back("conv8.bias", w.get("conv8/bias", {kHeadChannels}));
  check(w.tensors.size() == state.size(), "TinyFaceDetector::load: '" + w.manifest_path +
                                              "' holds " + std::to_string(w.tensors.size()) +
                                              " tensors, the TinyFaceDetector has " +
                                              std::to_string(state.size()));
  net->load_state_dict(state, /*strict=*/true);
  net->eval();
  return net;
}

Shape TinyFaceDetector::output_shape(const Shape& input) const {
  check(input.size() == 4 && input[1] == 3 && input[2] == input[3] && input[2] >= 32 &&
            input[2] % 32 == 0,
        "TinyFaceDetector: input " + shape_str(input) +
            " must be [N,3,S,S] with S a positive multiple of 32");
  return {input[0], kHeadChannels, input[2] / 32, input[3] / 32};
}

Tensor TinyFaceDetector::forward(const Tensor& x) {
  output_shape(x.shape());  // checks the input
  const float slope = Config::kLeakySlope;
  // conv0: 3x3 'valid' (416 -> 414), then the 'same' pools halve with ceil: 207, 104, 52, 26, 13.
  Tensor out = leaky_relu(conv2d(x, conv0_weight_, conv0_bias_, Conv2dOptions{}), slope);
  out = max_pool2d_same(out, 2, 2);
  for (int i = 0; i < 5; ++i) {
    const SeparableConv& sc = separable_[i];
    Conv2dOptions depthwise;
    depthwise.pad_h = depthwise.pad_w = 1;
    depthwise.groups = static_cast<int>(kChannels[i]);
    out = conv2d(out, sc.depthwise_weight, Tensor(), depthwise);
    out = leaky_relu(conv2d(out, sc.pointwise_weight, sc.bias, Conv2dOptions{}), slope);
    out = max_pool2d_same(out, 2, i < 4 ? 2 : 1);
  }
  return conv2d(out, conv8_weight_, conv8_bias_, Conv2dOptions{});
}

std::vector<FaceDetection> TinyFaceDetector::detect(const data::RgbImage& rgb, int input_size,
                                                    double score_threshold) {
  return detect(std::vector<data::RgbImage>{rgb}, input_size, score_threshold).front();
}

std::vector<std::vector<FaceDetection>> TinyFaceDetector::detect(
    const std::vector<data::RgbImage>& images, int input_size, double score_threshold) {
  // TinyYolov2Options' rules.
  check(input_size > 0 && input_size % 32 == 0, "TinyFaceDetector::detect: input_size " +
                                                    std::to_string(input_size) +
                                                    " must be a positive multiple of 32");
  check(score_threshold > 0 && score_threshold < 1, "TinyFaceDetector::detect: score_threshold " +
                                                        std::to_string(score_threshold) +
                                                        " must lie in (0, 1)");
  const Device device = conv0_weight_.device();
  NoGradGuard no_grad;  // inference: record no backward graph
  const Tensor head = forward(tiny_face_detector_input(images, input_size).to(device));
  const std::vector<float> values = head.to_vector();
  const int grid = input_size / 32;
  const size_t per_image = static_cast<size_t>(kHeadChannels) * grid * grid;
  std::vector<std::vector<FaceDetection>> out;
  for (size_t n = 0; n < images.size(); ++n) {
    out.push_back(tiny_face_detector_decode(values.data() + n * per_image, grid, images[n].width,
                                            images[n].height, input_size, score_threshold));
  }
  return out;
}

}  // namespace cnn::models
