// TinyFaceDetector pre- and post-processing against values worked out by hand from face-api's
// definitions (NetInput.toBatchTensor, tfjs resizeBilinear, normalize, extractBoxes,
// nonMaxSuppression). No network and no model files needed.
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/models/tiny_face_detector.h"

using namespace cnn;
using models::FaceDetection;
using models::TinyFaceDetectorConfig;

namespace {

data::RgbImage image(int w, int h, std::vector<uint8_t> pixels) {
  data::RgbImage im;
  im.width = w;
  im.height = h;
  im.pixels = std::move(pixels);
  return im;
}

// Channel `ch` of pixel (r, c) of a preprocessed [3,S,S] input.
float at(const std::vector<float>& x, int S, int ch, int r, int c) {
  return x[(static_cast<size_t>(ch) * S + r) * S + c];
}

float normalized(float v, int ch) {
  return (v - TinyFaceDetectorConfig::kMeanRgb[ch]) / 255.f;
}

}  // namespace

TEST_CASE("face-api preprocess: square input of the network size is only normalised",
          "[face_api]") {
  std::vector<uint8_t> px(2 * 2 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(20 * i + 5);
  const std::vector<float> x = models::tiny_face_detector_preprocess(image(2, 2, px), 2);
  REQUIRE(x.size() == 12);
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c)
      for (int ch = 0; ch < 3; ++ch)
        CHECK(at(x, 2, ch, r, c) == normalized(px[(r * 2 + c) * 3 + ch], ch));
  // Red 5 at (0,0): (5 - 117.001) / 255.
  CHECK(at(x, 2, 0, 0, 0) == Approx((5 - 117.001) / 255).epsilon(1e-6));
}

TEST_CASE("face-api preprocess: zero padding goes right or bottom, before the mean", "[face_api]") {
  // 2 wide, 1 high -> a 2x2 square with the second row zero.
  const std::vector<float> wide =
      models::tiny_face_detector_preprocess(image(2, 1, {10, 20, 30, 40, 50, 60}), 2);
  CHECK(at(wide, 2, 0, 0, 1) == normalized(40, 0));
  for (int ch = 0; ch < 3; ++ch) {
    CHECK(at(wide, 2, ch, 1, 0) == normalized(0, ch));
    CHECK(at(wide, 2, ch, 1, 1) == normalized(0, ch));
  }
  // 1 wide, 2 high -> the second column is zero.
  const std::vector<float> tall =
      models::tiny_face_detector_preprocess(image(1, 2, {10, 20, 30, 40, 50, 60}), 2);
  CHECK(at(tall, 2, 2, 1, 0) == normalized(60, 2));
  CHECK(at(tall, 2, 1, 0, 1) == normalized(0, 1));
  CHECK(at(tall, 2, 1, 1, 1) == normalized(0, 1));
}

TEST_CASE("face-api preprocess: tfjs's legacy bilinear resize", "[face_api]") {
  // Grey 2x2 [[0, 100], [200, 40]] to 4x4: source = dst * 0.5 (no half-pixel shift), the lower
  // neighbour is ceil(source) clamped to the edge.
  const std::vector<float> up = models::tiny_face_detector_preprocess(
      image(2, 2, {0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40}), 4);
  const float expect[4][4] = {{0, 50, 100, 100},
                              {100, 85, 70, 70},  // halfway between the rows
                              {200, 120, 40, 40},
                              {200, 120, 40, 40}};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) {
      INFO("r " << r << " c " << c);
      CHECK(at(up, 4, 1, r, c) == normalized(expect[r][c], 1));
    }
  // 4x4 -> 2x2: source = dst * 2, fractions 0, so pixels (0,0), (0,2), (2,0), (2,2).
  std::vector<uint8_t> px(4 * 4 * 3);
  for (int i = 0; i < 16; ++i)
    for (int ch = 0; ch < 3; ++ch) px[i * 3 + ch] = static_cast<uint8_t>(10 * i + ch);
  const std::vector<float> down = models::tiny_face_detector_preprocess(image(4, 4, px), 2);
  CHECK(at(down, 2, 0, 0, 0) == normalized(0, 0));
  CHECK(at(down, 2, 0, 0, 1) == normalized(20, 0));
  CHECK(at(down, 2, 2, 1, 0) == normalized(82, 2));
  CHECK(at(down, 2, 1, 1, 1) == normalized(101, 1));
}

TEST_CASE("face-api decode: one anchor, known logits, square and wide images", "[face_api]") {
  const int grid = 13;
  std::vector<float> head(25 * grid * grid, -10.f);  // every objectness sigmoid(-10) ~ 4.5e-5
  auto set = [&](int anchor, int k, int row, int col, float v) {
    head[(static_cast<size_t>(anchor) * 5 + k) * grid * grid + row * grid + col] = v;
  };
  // Cell row 3, col 5, anchor 2: x, y logits 0 (sigmoid 0.5), w logit 0 (exp 1), h logit ln 2,
  // objectness logit 2 (sigmoid 0.8807970779778823).
  set(2, 0, 3, 5, 0.f);
  set(2, 1, 3, 5, 0.f);
  set(2, 2, 3, 5, 0.f);
  set(2, 3, 3, 5, std::log(2.f));
  set(2, 4, 3, 5, 2.f);

  // 416x416 image at input 416: centre (5.5/13, 3.5/13), size (2.882459/13, 2*3.518061/13)
  // relative, times 416 pixels: centre (176, 112), size (92.238688, 225.155904).
  std::vector<FaceDetection> d =
      models::tiny_face_detector_decode(head.data(), grid, 416, 416, 416, 0.5);
  REQUIRE(d.size() == 1);
  CHECK(d[0].score == Approx(0.8807970779778823).epsilon(1e-7));
  CHECK(d[0].box.x1 == Approx(176 - 92.238688 / 2).epsilon(1e-6));
  CHECK(d[0].box.x2 == Approx(176 + 92.238688 / 2).epsilon(1e-6));
  // h = exp(ln 2 as float) * 3.518061 / 13 * 416 ~ 225.155904
  CHECK(d[0].box.y1 == Approx(112 - 225.155904 / 2).epsilon(1e-5));
  CHECK(d[0].box.y2 == Approx(112 + 225.155904 / 2).epsilon(1e-5));

  // 800x400 image at input 416: the image fills 416x208 of the square, so the y correction factor
  // is 2 and the relative box is scaled by the image size (800, 400): centre x 5.5/13*800,
  // centre y 3.5/13*2*400, width 2.882459/13*800, height 2*3.518061/13*2*400.
  d = models::tiny_face_detector_decode(head.data(), grid, 800, 400, 416, 0.5);
  REQUIRE(d.size() == 1);
  const double cx = 5.5 / 13 * 800, cy = 3.5 / 13 * 2 * 400;
  const double w = 2.882459 / 13 * 800, h = 2 * 3.518061 / 13 * 2 * 400;
  CHECK(d[0].box.x1 == Approx(cx - w / 2).epsilon(1e-6));
  CHECK(d[0].box.y1 == Approx(cy - h / 2).epsilon(1e-5));
  CHECK(d[0].box.x2 == Approx(cx + w / 2).epsilon(1e-6));
  CHECK(d[0].box.y2 == Approx(cy + h / 2).epsilon(1e-5));

  // The threshold is strict: objectness logit 0 is score 0.5, not above 0.5.
  set(2, 4, 3, 5, 0.f);
  CHECK(models::tiny_face_detector_decode(head.data(), grid, 416, 416, 416, 0.5).empty());
  CHECK(models::tiny_face_detector_decode(head.data(), grid, 416, 416, 416, 0.49).size() == 1);
}

TEST_CASE("face-api NMS: IoU <= 0.4 survives, ties pick the later box first", "[face_api]") {
  using detect::Box;
  // A [0,0,10,10]; B overlaps A with IoU 50/150 = 1/3 (kept); C = [0,0,10,4] inside A with IoU
  // 40/100 = 0.4 exactly (kept: face-api removes only IoU > 0.4); D = [0,0,10,5] with IoU 0.5
  // (removed by A).
  const std::vector<Box> boxes = {{0, 0, 10, 10}, {5, 0, 15, 10}, {0, 0, 10, 4}, {0, 0, 10, 5}};
  std::vector<int> pick = models::face_api_nms(boxes, {0.9, 0.8, 0.7, 0.6}, 0.4);
  CHECK(pick == std::vector<int>{0, 1, 2});
  // B [5,0,15,10] and E [6,0,16,10] (IoU 90/110): with equal scores the later index is popped
  // first, so E is kept and B suppressed.
  pick = models::face_api_nms({{5, 0, 15, 10}, {6, 0, 16, 10}}, {0.7, 0.7}, 0.4);
  CHECK(pick == std::vector<int>{1});
  CHECK(models::face_api_nms({}, {}, 0.4).empty());
}

TEST_CASE("TinyFaceDetector: layer shapes, parameter count and argument checks", "[face_api]") {
  using Catch::Matchers::Contains;
  models::TinyFaceDetector net;  // zero weights; no model files needed
  // conv0 16*27+16, conv1..5 depthwise C*9 + pointwise K*C + K, conv8 512*25+25:
  // 448 + 688 + 2400 + 8896 + 34176 + 133888 + 12825 = 193321, one byte per weight in face-api's
  // uint8-quantized tiny_face_detector_model.bin (193321 bytes).
  CHECK(net.num_parameters() == 193321);
  CHECK(net.named_parameters().size() == 19);
  CHECK(net.named_parameters()[2].first == "conv1.depthwise.weight");
  CHECK(net.output_shape({2, 3, 416, 416}) == Shape{2, 25, 13, 13});
  const Tensor head = net.forward(Tensor::zeros({1, 3, 64, 64}));
  CHECK(head.shape() == Shape{1, 25, 2, 2});
  REQUIRE_THROWS_WITH(net.forward(Tensor::zeros({1, 3, 40, 40})),
                      Contains("TinyFaceDetector") && Contains("[1,3,40,40]"));
  const data::RgbImage im = image(2, 2, std::vector<uint8_t>(12, 9));
  REQUIRE_THROWS_WITH(net.detect(im, 100), Contains("input_size 100"));
  REQUIRE_THROWS_WITH(net.detect(im, 416, 1.0), Contains("score_threshold"));
  // All-zero weights give logits 0 everywhere: every score is exactly 0.5, none above 0.5.
  CHECK(net.detect(im, 64).empty());
}
