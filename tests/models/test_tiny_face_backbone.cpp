// TinyFaceBackbone (cnn/models/tiny_face_backbone.h): shapes for any input side, and, with
// face-api's pretrained weights, that the backbone on RGB in [0, 1] followed by the stock conv8
// head reproduces TinyFaceDetector's head on face-api's mean-subtracted input: the folded conv0
// bias and the layer order are exactly the detector's. Exits 77 (ctest: skipped) when the model
// cache (.ci/fetch-models) is absent.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "cnn/autograd.h"
#include "cnn/models/model_cache.h"
#include "cnn/models/tiny_face_backbone.h"
#include "cnn/models/tiny_face_detector.h"
#include "cnn/ops.h"
#include "cnn/random.h"

using namespace cnn;

TEST_CASE("the backbone's output side follows conv0's border and five ceil-halving pools",
          "[models][tiny_face]") {
  Generator gen(1);
  models::TinyFaceBackbone backbone(&gen);
  CHECK(backbone.output_shape({2, 3, 416, 416}) == Shape{2, 512, 13, 13});
  CHECK(backbone.output_shape({1, 3, 128, 96}) == Shape{1, 512, 4, 3});
  CHECK(backbone.output_shape({1, 3, 32, 32}) == Shape{1, 512, 1, 1});
  CHECK_THROWS(backbone.output_shape({1, 3, 31, 64}));
  CHECK_THROWS(backbone.output_shape({1, 1, 64, 64}));
  NoGradGuard no_grad;
  const Tensor y = backbone(Tensor::full({1, 3, 100, 100}, 0.5f));
  CHECK(y.shape() == Shape{1, 512, 4, 4});
  // conv0 16*27+16, then conv1..5: depthwise 9c + pointwise c*k + bias k
  CHECK(backbone.num_parameters() == 448 + 688 + 2400 + 8896 + 34176 + 133888);
  CHECK(backbone.parameters_up_to(-1).empty());
  CHECK(backbone.parameters_up_to(0).size() == 2);
  CHECK(backbone.parameters_up_to(2).size() == 2 + 3 + 3);
}

TEST_CASE("pretrained backbone + conv8 on [0,1] input equals TinyFaceDetector on face-api input",
          "[models][tiny_face]") {
  const std::string dir = models::face_api_model_dir();
  const auto stock = models::TinyFaceDetector::load(dir);
  models::TinyFaceBackbone backbone;
  backbone.load_pretrained(dir);

  Generator gen(7);
  const Tensor x = Tensor::rand({2, 3, 96, 128}, Device::cpu(), &gen);  // RGB in [0, 1]
  // face-api's input: (255 x - mean) / 255 per channel.
  std::vector<float> shifted = x.to_vector();
  const float* mean = models::TinyFaceDetectorConfig::kMeanRgb;
  const size_t plane = 96 * 128;
  for (size_t i = 0; i < shifted.size(); ++i) {
    const size_t c = (i / plane) % 3;
    shifted[i] = (shifted[i] * 255.f - mean[c]) / 255.f;
  }
  NoGradGuard no_grad;
  // The stock detector checks for square inputs, so compare through its layers' weights: conv8
  // applied to the backbone's features against TinyFaceDetector::forward on a square crop.
  const Tensor square = narrow(x, 3, 0, 96);
  const Tensor square_shifted = narrow(Tensor::from_vector(shifted, x.shape()), 3, 0, 96);
  const Tensor expected = stock->forward(square_shifted);
  Tensor w8, b8;
  for (const auto& [name, t] : stock->named_parameters()) {
    if (name == "conv8.weight") w8 = t;
    if (name == "conv8.bias") b8 = t;
  }
  const Tensor got = conv2d(backbone(square), w8, b8);
  REQUIRE(got.shape() == expected.shape());
  const std::vector<float> g = got.to_vector(), e = expected.to_vector();
  double worst = 0, scale = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    worst = std::max(worst, std::abs(double(g[i]) - e[i]));
    scale = std::max(scale, std::abs(double(e[i])));
  }
  INFO("largest difference " << worst << " of outputs up to " << scale);
  // Float rounding of the bias fold only (the reordering of one subtraction per output of conv0).
  CHECK(worst <= 1e-5 * std::max(1.0, scale));
  CHECK(scale > 1.0);  // the comparison is of real activations, not of zeros
}

int main(int argc, char* argv[]) {
  const std::string missing = models::face_api_models_missing();
  if (!missing.empty()) {
    std::printf("skipping: %s\n", missing.c_str());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
