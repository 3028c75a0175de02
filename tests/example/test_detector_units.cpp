// mask-detector's library parts against independent references: the network's level shapes, the
// model file round trip, decoding + NMS + the map back to photo pixels on hand-made head outputs,
// anchors per level, annotated drawing and the metrics JSON.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "cnn/cnn.h"
#include "cnn/data/detection_augment.h"
#include "inference.h"
#include "network.h"
#include "report.h"

namespace fs = std::filesystem;
using namespace mask_detector;

namespace {

DetectorSpec small_spec(int image_size = 64) {
  DetectorSpec spec;
  spec.image_size = image_size;
  spec.neck_channels = 8;
  spec.classes = {"with_mask", "without_mask", "mask_weared_incorrect"};
  spec.anchors = {
      {{6, 7}, {9, 10}, {12, 14}}, {{16, 18}, {22, 26}, {30, 34}}, {{40, 44}, {56, 60}, {80, 90}}};
  return spec;
}

float sigmoid_inverse(float p) {
  return std::log(p / (1 - p));
}

}  // namespace

TEST_CASE("detector: three levels at strides 8, 16, 32 with A*(5+K) channels",
          "[example][detector]") {
  cnn::Generator gen(1);
  MaskDetectorNet net(small_spec(96), &gen);
  const cnn::Tensor x = cnn::Tensor::randn({2, 3, 96, 96}, cnn::Device::cpu(), &gen);
  const std::vector<cnn::Tensor> out = net.forward_levels(x);
  REQUIRE(out.size() == 3);
  for (int l = 0; l < 3; ++l) {
    CHECK(out[static_cast<size_t>(l)].shape() ==
          cnn::Shape{2, 3 * 8, 96 / kStrides[l], 96 / kStrides[l]});
  }
  // forward() is the same values, flattened and concatenated.
  const cnn::Tensor flat = net.forward(x);
  CHECK(flat.shape() == cnn::Shape{2, 24, 12 * 12 + 6 * 6 + 3 * 3});
  const std::vector<float> f = flat.to_vector(), p3 = out[2].to_vector();
  CHECK(f[static_cast<size_t>(1 * 24 * 189 + 5 * 189 + 144 + 36 + 4)] ==
        p3[static_cast<size_t>(1 * 24 * 9 + 5 * 9 + 4)]);
  // Objectness starts at the 0.01 prior.
  const std::vector<float> bias = net.named_parameters().back().second.to_vector();
  CHECK(1 / (1 + std::exp(-bias[4])) == Approx(0.01f));
  CHECK(bias[0] == 0.f);
  // Any multiple of 32 runs (inference may be larger than training); others are refused.
  CHECK(net.forward_levels(cnn::Tensor::zeros({1, 3, 64, 64}))[0].shape() ==
        cnn::Shape{1, 24, 8, 8});
  // Rectangles too (detect's input): the grids follow each side.
  CHECK(net.forward_levels(cnn::Tensor::zeros({1, 3, 64, 96}))[2].shape() ==
        cnn::Shape{1, 24, 2, 3});
  CHECK_THROWS(net.forward_levels(cnn::Tensor::zeros({1, 3, 64, 80})));
  CHECK_THROWS(net.forward_levels(cnn::Tensor::zeros({1, 3, 80, 80})));
}

TEST_CASE("detector: spec checks name the problem", "[example][detector]") {
  DetectorSpec spec = small_spec();
  spec.image_size = 100;
  CHECK_THROWS_WITH(spec.validate(), Catch::Contains("multiple of 32"));
  spec = small_spec();
  spec.anchors.pop_back();
  CHECK_THROWS_WITH(spec.validate(), Catch::Contains("3 levels"));
  spec = small_spec();
  spec.classes.clear();
  CHECK_THROWS(spec.validate());
  spec = small_spec();
  spec.inference_size = 100;
  CHECK_THROWS_WITH(spec.validate(), Catch::Contains("inference size"));
  spec = small_spec();
  spec.xy_scale = 0.f;
  CHECK_THROWS_WITH(spec.validate(), Catch::Contains("xy_scale"));
}

TEST_CASE("detector: model file round trip keeps spec, anchors and outputs",
          "[example][detector]") {
  cnn::Generator gen(2);
  DetectorSpec spec = small_spec();
  spec.xy_scale = 2.f;
  spec.inference_size = 96;
  MaskDetectorNet net(spec, &gen);
  const fs::path dir = fs::temp_directory_path() / "libcnn_detector_units";
  fs::create_directories(dir);
  const std::string path = (dir / "model.safetensors").string();
  save_model(path, net);
  LoadedModel loaded = load_model(path);
  CHECK(loaded.spec.classes == net.spec().classes);
  CHECK(loaded.spec.image_size == 64);
  REQUIRE(loaded.spec.anchors.size() == 3);
  CHECK(loaded.spec.anchors[1][2].w == 30.f);
  CHECK(loaded.spec.anchors[1][2].h == 34.f);
  CHECK(loaded.spec.xy_scale == 2.f);
  CHECK(loaded.spec.detect_size() == 96);
  CHECK(loaded.network->spec().detect_size() == 96);
  // --image-size of eval/detect/video replaces it; a bad one is refused.
  CHECK(load_model(path, 128).network->spec().detect_size() == 128);
  CHECK_THROWS_WITH(load_model(path, 100), Catch::Contains("multiple of 32"));
  CHECK(loaded.spec.yolo_config().xy_scale == 2.f);
  const cnn::Tensor x = cnn::Tensor::randn({1, 3, 64, 64}, cnn::Device::cpu(), &gen);
  net.eval();
  CHECK(loaded.network->forward(x).to_vector() == net.forward(x).to_vector());
  // A file from before xy_scale was stored decodes as it was trained: c = 1.
  {
    auto contents = cnn::serialize::load_safetensors(path);
    contents.metadata.erase("xy_scale");
    contents.metadata.erase("inference_size");
    const std::string legacy = (dir / "legacy.safetensors").string();
    cnn::serialize::save_safetensors(legacy, contents.tensors, contents.metadata);
    CHECK(load_model(legacy).spec.xy_scale == 1.f);
    CHECK(load_model(legacy).spec.detect_size() == 64);  // detected at the training size
  }
  // A classifier file or garbage is rejected with the file named.
  std::ofstream(dir / "bad.safetensors") << "not a model";
  CHECK_THROWS_WITH(load_model((dir / "bad.safetensors").string()),
                    Catch::Contains("cannot load model"));
  cnn::serialize::save_safetensors((dir / "other.safetensors").string(), net.state_dict(),
                                   {{"format", "mask-classifier/1"}});
  CHECK_THROWS_WITH(load_model((dir / "other.safetensors").string()),
                    Catch::Contains("expected mask-detector/1"));
  fs::remove_all(dir);
}

TEST_CASE("detector: postprocess decodes, suppresses across classes and maps back to the photo",
          "[example][detector]") {
  const DetectorSpec spec = small_spec();
  // All logits very negative, then two overlapping boxes of different classes in the stride-8
  // level and one separate box in the stride-16 level.
  std::vector<cnn::Tensor> outputs;
  std::vector<std::vector<float>> values;
  for (int l = 0; l < 3; ++l) {
    const int g = 64 / kStrides[l];
    values.emplace_back(static_cast<size_t>(24 * g * g), -20.f);
  }
  auto set = [&](int level, int anchor, int gx, int gy, float sx, float sy, float tw, float th,
                 float objectness, int label, float class_p) {
    const int g = 64 / kStrides[level];
    auto at = [&](int k) -> float& {
      return values[static_cast<size_t>(level)]
                   [static_cast<size_t>((anchor * 8 + k) * g * g + gy * g + gx)];
    };
    at(0) = sigmoid_inverse(sx), at(1) = sigmoid_inverse(sy), at(2) = tw, at(3) = th;
    at(4) = sigmoid_inverse(objectness);
    at(5 + label) = sigmoid_inverse(class_p);
  };
  set(0, 1, 2, 3, 0.5f, 0.5f, 0.f, 0.f, 0.9f, 0, 0.9f);      // centre (20, 28), 9x10, score 0.81
  set(0, 2, 2, 3, 0.5f, 0.5f, -0.2f, -0.2f, 0.9f, 1, 0.8f);  // same face, 12e^-0.2 wide: 0.72
  set(1, 0, 3, 1, 0.25f, 0.75f, 0.f, 0.f, 0.95f, 1, 0.95f);  // centre (52, 28), 16x18
  for (int l = 0; l < 3; ++l) {
    const int64_t g = 64 / kStrides[l];
    outputs.push_back(cnn::Tensor::from_vector(values[static_cast<size_t>(l)], {1, 24, g, g}));
  }
  // The photo was 128x64, letterboxed into 64x64: scale 0.5, padded 16 px at the top.
  const cnn::detect::Letterbox lb = cnn::detect::Letterbox::fit(128, 64, 64);
  const cnn::data::AxisTransform t = cnn::data::AxisTransform::from_letterbox(lb);
  PostprocessOptions po;
  po.score_threshold = 0.5f;
  const auto dets = postprocess(outputs, spec, {t}, {{128, 64}}, po);
  REQUIRE(dets.size() == 1);
  REQUIRE(dets[0].size() == 2);  // the 0.72 box of another class is suppressed
  const cnn::detect::Detection& best = dets[0][0];
  CHECK(best.label == 1);
  CHECK(best.score == Approx(0.95f * 0.95f));
  // Input (52 +- 8, 28 +- 9) -> photo: x / 0.5, (y - 16) / 0.5.
  CHECK(best.box.x1 == Approx(88.f).margin(1e-3));
  CHECK(best.box.x2 == Approx(120.f).margin(1e-3));
  CHECK(best.box.y1 == Approx(6.f).margin(1e-3));
  CHECK(best.box.y2 == Approx(42.f).margin(1e-3));
  CHECK(dets[0][1].label == 0);
  CHECK(dets[0][1].score == Approx(0.81f));
  CHECK(dets[0][1].box.x1 == Approx((20.f - 4.5f) * 2).margin(1e-3));
  // A higher threshold keeps only the best.
  po.score_threshold = 0.85f;
  CHECK(postprocess(outputs, spec, {t}, {{128, 64}}, po)[0].size() == 1);
}

TEST_CASE("detector: anchors per level are the k-means anchors by area, three per level",
          "[example][detector]") {
  std::vector<cnn::detect::BoxSize> sizes;
  for (int i = 0; i < 300; ++i)
    sizes.push_back({8.f + float(i % 50) * 2, 9.f + float(i % 50) * 2.2f});
  const auto levels = anchors_for_levels(sizes, 0);
  const auto all = cnn::detect::anchors_from_kmeans(sizes, 9, 0);
  REQUIRE(levels.size() == 3);
  for (size_t i = 0; i < 9; ++i) {
    CHECK(levels[i / 3][i % 3].w == all[i].w);
    CHECK(levels[i / 3][i % 3].h == all[i].h);
  }
  CHECK_THROWS_WITH(anchors_for_levels({{5, 5}, {6, 6}}, 0), Catch::Contains("at least 9"));
}

TEST_CASE("detector: annotate draws each box in its class colour", "[example][detector]") {
  cnn::data::RgbImage img;
  img.width = 200, img.height = 120;
  img.pixels.assign(200 * 120 * 3, 128);
  const std::vector<std::string> classes = {"with_mask", "without_mask", "mask_weared_incorrect"};
  cnn::detect::Detection a{{20, 40, 80, 100}, 0.9f, 0}, b{{120, 40, 180, 100}, 0.8f, 1};
  const cnn::data::RgbImage out = annotate(img, {a, b}, classes);
  auto px = [&](int x, int y) {
    const size_t i = (static_cast<size_t>(y) * 200 + x) * 3;
    return example_common::Colour{out.pixels[i], out.pixels[i + 1], out.pixels[i + 2]};
  };
  const example_common::Colour green = label_colour(classes, 0), red = label_colour(classes, 1);
  CHECK(px(20, 70).r == green.r);
  CHECK(px(20, 70).g == green.g);
  CHECK(px(179, 70).r == red.r);
  CHECK(px(179, 70).g == red.g);
  CHECK(px(50, 70).r == 128);  // inside a box: untouched
  CHECK(px(100, 10).g == 128);
}

TEST_CASE("detector: metrics JSON has every class and null for a class without boxes",
          "[example][detector]") {
  cnn::detect::MapEvaluator ev(3);
  ev.add_image({{{0, 0, 10, 10}, 0.9f, 0}},
               {{{0, 0, 10, 10}, 0, false}, {{20, 20, 30, 30}, 1, false}});
  const cnn::detect::EvalResult r = ev.evaluate(0.5f);
  const nlohmann::json j =
      metrics_to_json(r, {"with_mask", "without_mask", "mask_weared_incorrect"});
  CHECK(j["per_class"]["with_mask"]["ap50"].get<double>() == 1.0);
  CHECK(j["per_class"]["without_mask"]["ap50"].get<double>() == 0.0);
  CHECK(j["per_class"]["mask_weared_incorrect"]["ap50"].is_null());
  CHECK(j["map50"].get<double>() == Approx(0.5));
  CHECK(j["recall"].get<double>() == Approx(0.5));
}
