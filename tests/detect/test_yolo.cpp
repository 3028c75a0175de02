// YOLO decoding, target assignment and anchor k-means: hand-computed values, round trips
// (targets -> the predictions they ask for -> decode gives the boxes back) and error cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "cnn/cnn.h"

using namespace cnn;
using namespace cnn::detect;

namespace {

float logit(float p) {
  return std::log(p / (1.f - p));
}

// Index of value j of anchor a at (n, gy, gx) in a [N, A*V, H, W] buffer.
int64_t at(const Shape& s, int V, int64_t n, int64_t a, int64_t j, int64_t gy, int64_t gx) {
  return ((n * s[1] + a * V + j) * s[2] + gy) * s[3] + gx;
}

// Two levels as a small multi-scale detector would have them on a 64x64 input.
YoloConfig two_level_config() {
  YoloConfig c;
  c.num_classes = 3;
  c.levels = {YoloLevel{8, {{8, 8}, {12, 20}}}, YoloLevel{16, {{30, 30}, {48, 24}}}};
  return c;
}

std::vector<Tensor> zero_outputs(const YoloConfig& c, int64_t n, int64_t input) {
  std::vector<Tensor> out;
  for (size_t l = 0; l < c.levels.size(); ++l) {
    const int64_t g = input / c.levels[l].stride;
    out.push_back(Tensor::zeros({n, c.channels(int(l)), g, g}));
  }
  return out;
}

// The predictions the targets ask for: at positives logit(sx), logit(sy), tw, th, a confident
// objectness and class; elsewhere a confident "no object".
std::vector<Tensor> predictions_from_targets(const std::vector<YoloTargets>& targets,
                                             const YoloConfig& c) {
  const int V = c.values_per_anchor();
  std::vector<Tensor> out;
  for (const auto& t : targets) {
    const Shape s = t.target.shape();
    const auto target = t.target.to_vector();
    const auto xyw = t.xy_weight.to_vector();
    std::vector<float> pred(target.size(), -12.f);
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t a = 0; a < s[1] / V; ++a) {
        for (int64_t y = 0; y < s[2]; ++y) {
          for (int64_t x = 0; x < s[3]; ++x) {
            if (xyw[at(s, V, n, a, 0, y, x)] == 0) continue;
            for (int j = 0; j < 2; ++j) {
              pred[at(s, V, n, a, j, y, x)] = logit(target[at(s, V, n, a, j, y, x)]);
            }
            for (int j = 2; j < 4; ++j)
              pred[at(s, V, n, a, j, y, x)] = target[at(s, V, n, a, j, y, x)];
            for (int j = 4; j < V; ++j) {
              pred[at(s, V, n, a, j, y, x)] = target[at(s, V, n, a, j, y, x)] > 0.5f ? 12.f : -12.f;
            }
          }
        }
      }
    }
    out.push_back(Tensor::from_vector(pred, s));
  }
  return out;
}

}  // namespace

TEST_CASE("decode_box follows the documented formulas", "[yolo]") {
  // sigmoid(0) = 0.5: cx = (2 + 0.5) * 8 = 20, cy = (1 + 0.5) * 8 = 12; w = 10 * 2, h = 20 * 2.
  const Box b = decode_box(0.f, 0.f, std::log(2.f), std::log(2.f), 2, 1, Anchor{10, 20}, 8);
  REQUIRE(b.x1 == Approx(10.f));
  REQUIRE(b.y1 == Approx(-8.f));
  REQUIRE(b.x2 == Approx(30.f));
  REQUIRE(b.y2 == Approx(32.f));
  // sigmoid(logit(0.25)) = 0.25: cx = (3 + 0.25) * 16 = 52; tw = 0: w = anchor.
  const Box c = decode_box(logit(0.25f), logit(0.75f), 0.f, 0.f, 3, 0, Anchor{6, 4}, 16);
  REQUIRE(c.center_x() == Approx(52.f));
  REQUIRE(c.center_y() == Approx(12.f));
  REQUIRE(c.width() == Approx(6.f));
  REQUIRE(c.height() == Approx(4.f));
}

TEST_CASE("encode_box and decode_box are inverses", "[yolo]") {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> pos(0, 200), len(2, 120), anchor(5, 100);
  for (int i = 0; i < 200; ++i) {
    const int stride = 8 << (i % 3);
    const float cx = pos(rng), cy = pos(rng);
    const Box box = box_from_cxcywh({cx, cy, len(rng), len(rng)});
    const int gx = int(cx / stride), gy = int(cy / stride);
    const Anchor a{anchor(rng), anchor(rng)};
    const BoxTargets t = encode_box(box, gx, gy, a, stride);
    REQUIRE(t.sx >= 0.f);
    REQUIRE(t.sx < 1.f);
    REQUIRE(t.sy >= 0.f);
    REQUIRE(t.sy < 1.f);
    if (t.sx < 1e-3f || t.sx > 1 - 1e-3f || t.sy < 1e-3f || t.sy > 1 - 1e-3f) continue;
    const Box back = decode_box(logit(t.sx), logit(t.sy), t.tw, t.th, gx, gy, a, stride);
    REQUIRE(iou(back, box) > 0.9995f);
  }
  REQUIRE_THROWS_AS(encode_box(Box{0, 0, 0, 5}, 0, 0, Anchor{1, 1}, 8), Error);
}

TEST_CASE("yolo_decode reads the documented channel layout", "[yolo]") {
  YoloConfig c;
  c.num_classes = 2;
  c.levels = {YoloLevel{8, {{10, 10}, {20, 40}}}};
  const Shape s{2, 14, 2, 3};  // N=2, A=2 x (5+2), 2x3 grid
  std::vector<float> v(size_t(shape_numel(s)), 0.f);
  for (int64_t n = 0; n < 2; ++n) {
    for (int a = 0; a < 2; ++a) {
      for (int y = 0; y < 2; ++y) {
        for (int x = 0; x < 3; ++x) v[at(s, 7, n, a, 4, y, x)] = -20.f;  // no objects
      }
    }
  }
  // Image 1, anchor 1, cell (gx 2, gy 1): objectness logit 2, classes -1 and 1.
  v[at(s, 7, 1, 1, 0, 1, 2)] = logit(0.25f);
  v[at(s, 7, 1, 1, 1, 1, 2)] = 0.f;
  v[at(s, 7, 1, 1, 2, 1, 2)] = std::log(0.5f);
  v[at(s, 7, 1, 1, 3, 1, 2)] = 0.f;
  v[at(s, 7, 1, 1, 4, 1, 2)] = 2.f;
  v[at(s, 7, 1, 1, 5, 1, 2)] = -1.f;
  v[at(s, 7, 1, 1, 6, 1, 2)] = 1.f;
  const Tensor out = Tensor::from_vector(v, s);
  const auto sig = [](float x) { return 1.f / (1.f + std::exp(-x)); };

  const auto dets = yolo_decode({out}, c, DecodeOptions{0.3f, false});
  REQUIRE(dets.size() == 2);
  REQUIRE(dets[0].empty());
  REQUIRE(dets[1].size() == 1);
  const Detection& d = dets[1][0];
  REQUIRE(d.label == 1);
  REQUIRE(d.score == Approx(sig(2.f) * sig(1.f)));
  REQUIRE(d.box.center_x() == Approx((2 + 0.25f) * 8));
  REQUIRE(d.box.center_y() == Approx((1 + 0.5f) * 8));
  REQUIRE(d.box.width() == Approx(10.f));
  REQUIRE(d.box.height() == Approx(40.f));

  // Multi-label: class 0 scores sig(2) * sig(-1) = 0.237, so a threshold of 0.2 adds it.
  const auto multi = yolo_decode({out}, c, DecodeOptions{0.2f, true});
  REQUIRE(multi[1].size() == 2);
  REQUIRE(multi[1][0].label == 0);
  REQUIRE(multi[1][0].score == Approx(sig(2.f) * sig(-1.f)));
  REQUIRE(multi[1][1].label == 1);
  // Single-label at 0.2 still gives one box.
  REQUIRE(yolo_decode({out}, c, DecodeOptions{0.2f, false})[1].size() == 1);

  REQUIRE_THROWS_WITH(yolo_decode({Tensor::zeros({1, 13, 2, 2})}, c),
                      Catch::Contains("level 0") && Catch::Contains("[1,13,2,2]"));
  REQUIRE_THROWS_AS(yolo_decode({out, out}, c), Error);
}

TEST_CASE("target assignment: class_weights scale the class channels of a label's positives",
          "[yolo]") {
  const YoloConfig c = two_level_config();
  const int V = c.values_per_anchor();
  const auto outputs = zero_outputs(c, 2, 64);
  // The boxes of the next test case: image 0 label 2 at level 0, image 1 label 0 at level 1.
  const std::vector<std::vector<GroundTruth>> gts{
      {GroundTruth{box_from_cxcywh({21, 13, 12, 20}), 2, false}},
      {GroundTruth{box_from_cxcywh({40, 40, 46, 26}), 0, false}}};
  TargetOptions opts;
  opts.ignore_iou = 1.f;
  opts.class_weights = {0.5f, 1.f, 4.f};
  const auto t = yolo_build_targets(outputs, gts, c, opts);
  const auto clsw0 = t[0].class_weight.to_vector();
  const auto clsw1 = t[1].class_weight.to_vector();
  for (int k = 0; k < 3; ++k) {
    CHECK(clsw0[at(t[0].target.shape(), V, 0, 1, 5 + k, 1, 2)] == 4.f);
    CHECK(clsw1[at(t[1].target.shape(), V, 1, 1, 5 + k, 2, 2)] == 0.5f);
  }
  double total0 = 0;
  for (float v : clsw0) total0 += v;
  CHECK(total0 == 12.0);  // nothing else weighted
  opts.class_weights = {1.f, 1.f};
  CHECK_THROWS_WITH(yolo_build_targets(outputs, gts, c, opts), Catch::Contains("class_weights"));
  opts.class_weights = {1.f, 0.f, 1.f};
  CHECK_THROWS_WITH(yolo_build_targets(outputs, gts, c, opts), Catch::Contains("positive"));
}

TEST_CASE("target assignment: cell, best anchor across levels, and values", "[yolo]") {
  const YoloConfig c = two_level_config();
  const int V = c.values_per_anchor();
  const auto outputs = zero_outputs(c, 2, 64);
  // Image 0: a 12x20 box centred at (21, 13) -> best anchor is level 0 anchor 1 (exact shape),
  // cell (2, 1). Image 1: a 46x26 box centred at (40, 40) -> level 1 anchor 1, cell (2, 2).
  const std::vector<std::vector<GroundTruth>> gts{
      {GroundTruth{box_from_cxcywh({21, 13, 12, 20}), 2, false}},
      {GroundTruth{box_from_cxcywh({40, 40, 46, 26}), 0, true}}};
  TargetOptions opts;
  opts.ignore_iou = 1.f;  // zero outputs: no ignore rule here
  opts.negative_weight = 0.5f;
  const auto t = yolo_build_targets(outputs, gts, c, opts);
  REQUIRE(t.size() == 2);
  REQUIRE(t[0].num_positives == 1);
  REQUIRE(t[1].num_positives == 1);

  const Shape s0 = t[0].target.shape();
  const auto target0 = t[0].target.to_vector();
  REQUIRE(target0[at(s0, V, 0, 1, 0, 1, 2)] == Approx(21.f / 8 - 2));
  REQUIRE(target0[at(s0, V, 0, 1, 1, 1, 2)] == Approx(13.f / 8 - 1));
  REQUIRE(target0[at(s0, V, 0, 1, 2, 1, 2)] == Approx(0.f).margin(1e-6));  // log(12/12)
  REQUIRE(target0[at(s0, V, 0, 1, 3, 1, 2)] == Approx(0.f).margin(1e-6));
  REQUIRE(target0[at(s0, V, 0, 1, 4, 1, 2)] == 1.f);
  REQUIRE(target0[at(s0, V, 0, 1, 5, 1, 2)] == 0.f);
  REQUIRE(target0[at(s0, V, 0, 1, 7, 1, 2)] == 1.f);  // class 2 one-hot
  const auto xyw0 = t[0].xy_weight.to_vector();
  REQUIRE(xyw0[at(s0, V, 0, 1, 0, 1, 2)] == Approx(2.f - 12.f * 20.f / (64 * 64)));
  const auto objw0 = t[0].objectness_weight.to_vector();
  REQUIRE(objw0[at(s0, V, 0, 1, 4, 1, 2)] == 1.f);
  REQUIRE(objw0[at(s0, V, 0, 0, 4, 1, 2)] == 0.5f);  // the other anchor: a negative
  REQUIRE(objw0[at(s0, V, 1, 1, 4, 1, 2)] == 0.5f);  // image 1's cell at level 0: negative
  const auto clsw0 = t[0].class_weight.to_vector();
  for (int k = 0; k < 3; ++k) REQUIRE(clsw0[at(s0, V, 0, 1, 5 + k, 1, 2)] == 1.f);

  const Shape s1 = t[1].target.shape();
  const auto target1 = t[1].target.to_vector();
  REQUIRE(target1[at(s1, V, 1, 1, 2, 2, 2)] == Approx(std::log(46.f / 48.f)));
  REQUIRE(target1[at(s1, V, 1, 1, 3, 2, 2)] == Approx(std::log(26.f / 24.f)));
  REQUIRE(target1[at(s1, V, 1, 1, 0, 2, 2)] == Approx(40.f / 16 - 2));
  REQUIRE(target1[at(s1, V, 1, 1, 5, 2, 2)] == 1.f);  // difficult boxes are trained on

  // Every weight is zero outside its channels: sum of the weights counts the governed values.
  auto total = [](const Tensor& x) {
    double s = 0;
    for (float v : x.to_vector()) s += v;
    return s;
  };
  REQUIRE(total(t[0].class_weight) == 3.0);
  REQUIRE(total(t[0].wh_weight) == Approx(2 * (2.f - 240.f / 4096)));
  const int64_t cells0 = 2 * 2 * 8 * 8, cells1 = 2 * 2 * 4 * 4;
  REQUIRE(total(t[0].objectness_weight) == Approx(1 + 0.5 * (cells0 - 1)));
  REQUIRE(total(t[1].objectness_weight) == Approx(1 + 0.5 * (cells1 - 1)));
}

TEST_CASE("targets round trip: the predictions they ask for decode to the boxes", "[yolo]") {
  const YoloConfig c = two_level_config();
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> pos(8, 56), len(6, 50);
  std::uniform_int_distribution<int> label(0, 2);
  std::vector<std::vector<GroundTruth>> gts(3);
  for (auto& image : gts) {
    for (int i = 0; i < 3; ++i) {
      // Boxes in separate quadrants-ish rows so they rarely share a slot.
      image.push_back({box_from_cxcywh({pos(rng), pos(rng), len(rng), len(rng)}), label(rng)});
    }
  }
  TargetOptions opts;
  opts.ignore_iou = 1.f;
  const auto targets = yolo_build_targets(zero_outputs(c, 3, 64), gts, c, opts);
  int positives = 0, collisions = 0;
  for (const auto& t : targets) {
    positives += t.num_positives;
    collisions += t.num_collisions;
  }
  REQUIRE(positives + collisions == 9);  // each box gets its best anchor unless it lost a slot

  const auto decoded = yolo_decode(predictions_from_targets(targets, c), c, {0.5f, false});
  int recovered = 0;
  for (size_t n = 0; n < gts.size(); ++n) {
    REQUIRE(decoded[n].size() <= gts[n].size());
    for (const auto& d : decoded[n]) {
      float best = 0;
      int best_label = -1;
      for (const auto& g : gts[n]) {
        if (iou(d.box, g.box) > best) {
          best = iou(d.box, g.box);
          best_label = g.label;
        }
      }
      REQUIRE(best > 0.999f);
      REQUIRE(d.label == best_label);
      REQUIRE(d.score > 0.99f);
      ++recovered;
    }
  }
  REQUIRE(recovered == positives);
}

TEST_CASE("extra anchors above the IoU threshold also become positives", "[yolo]") {
  YoloConfig c;
  c.num_classes = 1;
  c.levels = {YoloLevel{8, {{10, 10}, {10, 12}, {40, 10}}}};
  const std::vector<std::vector<GroundTruth>> gts{{{box_from_cxcywh({20, 20, 10, 11}), 0}}};
  const auto outputs = zero_outputs(c, 1, 32);
  TargetOptions opts;
  opts.ignore_iou = 1.f;
  REQUIRE(yolo_build_targets(outputs, gts, c, opts)[0].num_positives == 1);
  // shape IoU with 10x10 = 100/110, with 10x12 = 110/120, with 40x10 = 100/510.
  opts.extra_anchor_iou = 0.85f;
  REQUIRE(yolo_build_targets(outputs, gts, c, opts)[0].num_positives == 2);
  opts.extra_anchor_iou = 0.1f;
  REQUIRE(yolo_build_targets(outputs, gts, c, opts)[0].num_positives == 3);
}

TEST_CASE("two boxes on one slot: the better-shaped one keeps it", "[yolo]") {
  YoloConfig c;
  c.num_classes = 2;
  c.levels = {YoloLevel{16, {{16, 16}}}};
  const int V = c.values_per_anchor();
  const std::vector<std::vector<GroundTruth>> gts{
      {{box_from_cxcywh({20, 20, 30, 30}), 0}, {box_from_cxcywh({22, 22, 15, 17}), 1}}};
  TargetOptions opts;
  opts.ignore_iou = 1.f;
  const auto t = yolo_build_targets(zero_outputs(c, 1, 32), gts, c, opts);
  REQUIRE(t[0].num_positives == 1);
  REQUIRE(t[0].num_collisions == 1);
  const auto target = t[0].target.to_vector();
  REQUIRE(target[at(t[0].target.shape(), V, 0, 0, 6, 1, 1)] == 1.f);  // box 1 (class 1) won
  REQUIRE(target[at(t[0].target.shape(), V, 0, 0, 5, 1, 1)] == 0.f);
}

TEST_CASE("xy_scale 2: decode/encode formulas, neighbour cells reach the centre", "[yolo]") {
  // Zero offsets (sigmoid 0.5) still centre the box in its cell; the range is half a cell wider.
  const Box centred = decode_box(0.f, 0.f, 0.f, 0.f, 2, 1, Anchor{10, 10}, 8, 2.f);
  REQUIRE(centred.center_x() == Approx(20.f));
  REQUIRE(centred.center_y() == Approx(12.f));
  const Box far = decode_box(logit(0.9f), logit(0.1f), 0.f, 0.f, 2, 1, Anchor{10, 10}, 8, 2.f);
  REQUIRE(far.center_x() == Approx((2 + 2 * 0.9f - 0.5f) * 8));  // 1.3 cells: right neighbour
  REQUIRE(far.center_y() == Approx((1 + 2 * 0.1f - 0.5f) * 8));  // -0.3 cells: cell above

  std::mt19937 rng(6);
  std::uniform_real_distribution<float> pos(8, 200), len(2, 120), anchor(5, 100);
  for (int i = 0; i < 200; ++i) {
    const int stride = 8 << (i % 3);
    const float cx = pos(rng), cy = pos(rng);
    const Box box = box_from_cxcywh({cx, cy, len(rng), len(rng)});
    const Anchor a{anchor(rng), anchor(rng)};
    // The centre cell and the neighbour nearer the centre, on each axis.
    const int gx = int(cx / stride), gy = int(cy / stride);
    const int nx = cx / stride - gx < 0.5f ? gx - 1 : gx + 1;
    const int ny = cy / stride - gy < 0.5f ? gy - 1 : gy + 1;
    for (auto [x, y] : {std::pair{gx, gy}, std::pair{nx, gy}, std::pair{gx, ny}}) {
      const BoxTargets t = encode_box(box, x, y, a, stride, 2.f);
      REQUIRE(t.sx > 0.f);
      REQUIRE(t.sx < 1.f);
      if (x == gx) REQUIRE(std::abs(t.sx - 0.5f) <= 0.25f);  // the centre cell's middle half
      if (t.sx < 1e-3f || t.sx > 1 - 1e-3f || t.sy < 1e-3f || t.sy > 1 - 1e-3f) continue;
      const Box back = decode_box(logit(t.sx), logit(t.sy), t.tw, t.th, x, y, a, stride, 2.f);
      REQUIRE(iou(back, box) > 0.9995f);
    }
    // Two cells away is out of reach, as is a neighbour at xy_scale 1 (unless the centre sits on
    // the shared edge, within encode_box's rounding slack).
    REQUIRE_THROWS_WITH(encode_box(box, gx + 2, gy, a, stride, 2.f), Catch::Contains("reach"));
    if (std::abs(cx / stride - gx - 0.5f) < 0.49f) {
      REQUIRE_THROWS_WITH(encode_box(box, nx, gy, a, stride, 1.f), Catch::Contains("reach"));
    }
  }
  YoloConfig c = two_level_config();
  c.xy_scale = 0.5f;
  REQUIRE_THROWS_WITH(c.validate(), Catch::Contains("xy_scale"));
}

TEST_CASE("neighbour cells: a box also trains the two adjacent cells nearest its centre",
          "[yolo]") {
  YoloConfig c;
  c.num_classes = 2;
  c.xy_scale = 2.f;
  c.levels = {YoloLevel{8, {{10, 10}, {40, 10}}}};
  const int V = c.values_per_anchor();
  // Centre (21, 14): cell (2, 1), 0.625 across (right neighbour (3, 1)) and 0.75 down (cell
  // (2, 2) below). Anchor 0 is the best shape.
  const Box box = box_from_cxcywh({21, 14, 10, 11});
  const std::vector<std::vector<GroundTruth>> gts{{{box, 1}}};
  const auto outputs = zero_outputs(c, 1, 32);
  TargetOptions opts;
  opts.ignore_iou = 1.f;
  REQUIRE(yolo_build_targets(outputs, gts, c, opts)[0].num_positives == 1);
  opts.neighbour_cells = true;
  const auto t = yolo_build_targets(outputs, gts, c, opts);
  REQUIRE(t[0].num_positives == 3);
  const Shape s = t[0].target.shape();
  const auto target = t[0].target.to_vector();
  const auto objw = t[0].objectness_weight.to_vector();
  for (auto [x, y] : {std::pair{2, 1}, std::pair{3, 1}, std::pair{2, 2}}) {
    INFO("cell " << x << "," << y);
    REQUIRE(objw[at(s, V, 0, 0, 4, y, x)] == 1.f);
    REQUIRE(target[at(s, V, 0, 0, 4, y, x)] == 1.f);
    REQUIRE(target[at(s, V, 0, 0, 6, y, x)] == 1.f);  // class 1
    const BoxTargets want = encode_box(box, x, y, Anchor{10, 10}, 8, 2.f);
    REQUIRE(target[at(s, V, 0, 0, 0, y, x)] == Approx(want.sx));
    REQUIRE(target[at(s, V, 0, 0, 1, y, x)] == Approx(want.sy));
  }
  REQUIRE(target[at(s, V, 0, 0, 0, 1, 3)] == Approx((21.f / 8 - 3 + 0.5f) / 2));
  REQUIRE(objw[at(s, V, 0, 0, 4, 1, 1)] == 1.f);  // the far-side neighbour stays a negative
  REQUIRE(target[at(s, V, 0, 0, 4, 1, 1)] == 0.f);

  // The predictions the targets ask for decode to the box from all three cells.
  const auto decoded = yolo_decode(predictions_from_targets(t, c), c, {0.5f, false});
  REQUIRE(decoded[0].size() == 3);
  for (const auto& d : decoded[0]) REQUIRE(iou(d.box, box) > 0.999f);

  // At the grid's edge only the existing neighbours are used.
  const std::vector<std::vector<GroundTruth>> corner{{{box_from_cxcywh({2, 2, 10, 10}), 0}}};
  REQUIRE(yolo_build_targets(outputs, corner, c, opts)[0].num_positives == 1);

  // A box whose centre is in a cell keeps it against a box that reaches it as a neighbour, even
  // with a worse shape: box B (centre in (3, 1), shape 20x6) against box A's neighbour claim.
  const std::vector<std::vector<GroundTruth>> two{
      {{box, 1}, {box_from_cxcywh({27, 12, 20, 6}), 0}}};
  const auto t2 = yolo_build_targets(outputs, two, c, opts);
  const auto target2 = t2[0].target.to_vector();
  REQUIRE(target2[at(s, V, 0, 0, 5, 1, 3)] == 1.f);  // class 0: box B owns (3, 1)
  REQUIRE(target2[at(s, V, 0, 0, 6, 1, 3)] == 0.f);
  REQUIRE(t2[0].num_collisions >= 1);

  c.xy_scale = 1.f;
  REQUIRE_THROWS_WITH(yolo_build_targets(outputs, gts, c, opts),
                      Catch::Contains("neighbour_cells needs xy_scale"));
}

TEST_CASE("ignore rule: negatives already predicting an object get no objectness loss", "[yolo]") {
  YoloConfig c;
  c.num_classes = 1;
  c.levels = {YoloLevel{8, {{16, 16}}}};
  const int V = c.values_per_anchor();
  // Zero offsets predict a 16x16 box centred in each cell: cell (1,1) predicts [4,4,20,20].
  Tensor out = Tensor::zeros({1, V, 4, 4});
  const std::vector<std::vector<GroundTruth>> gts{{{Box{5, 5, 21, 21}, 0}}};  // centre in (1,1)
  TargetOptions opts;
  opts.ignore_iou = 0.4f;
  auto t = yolo_build_targets({out}, gts, c, opts);
  // The positive is (1,1). The best negatives, (2,1) and (1,2), predict e.g. [12,4,28,20]: IoU
  // 135/377 = 0.36 with the box, below 0.4, so nothing is ignored.
  REQUIRE(t[0].num_positives == 1);
  REQUIRE(t[0].num_ignored == 0);

  // Move cell (2,2)'s prediction towards the box: sigmoid(tx) = sigmoid(ty) = 0.01 centres it at
  // 16.08, so it predicts [8.08,8.08,24.08,24.08]: IoU 12.92^2 / (512 - 12.92^2) = 0.48 > 0.4.
  auto v = out.to_vector();
  const Shape s = out.shape();
  v[at(s, V, 0, 0, 0, 2, 2)] = logit(0.01f);
  v[at(s, V, 0, 0, 1, 2, 2)] = logit(0.01f);
  const Tensor shifted = Tensor::from_vector(v, s);
  t = yolo_build_targets({shifted}, gts, c, opts);
  REQUIRE(t[0].num_ignored == 1);
  REQUIRE(t[0].objectness_weight.to_vector()[at(s, V, 0, 0, 4, 2, 2)] == 0.f);
  REQUIRE(t[0].objectness_weight.to_vector()[at(s, V, 0, 0, 4, 1, 1)] == 1.f);  // positive kept
  opts.ignore_iou = 1.f;
  t = yolo_build_targets({shifted}, gts, c, opts);
  REQUIRE(t[0].num_ignored == 0);
  REQUIRE(t[0].objectness_weight.to_vector()[at(s, V, 0, 0, 4, 2, 2)] == 1.f);
}

TEST_CASE("target assignment rejects bad boxes and mismatched inputs", "[yolo]") {
  const YoloConfig c = two_level_config();
  const auto outputs = zero_outputs(c, 1, 64);
  REQUIRE_THROWS_WITH(yolo_build_targets(outputs, {{{Box{0, 0, 10, 10}, 3}}}, c),
                      Catch::Contains("image 0 box 0") && Catch::Contains("label 3"));
  REQUIRE_THROWS_WITH(yolo_build_targets(outputs, {{{Box{5, 5, 5, 9}, 0}}}, c),
                      Catch::Contains("no area"));
  REQUIRE_THROWS_WITH(yolo_build_targets(outputs, {{{Box{60, 60, 80, 80}, 0}}}, c),
                      Catch::Contains("centre outside"));
  REQUIRE_THROWS_WITH(yolo_build_targets(outputs, {{}, {}}, c),
                      Catch::Contains("2 ground-truth lists for a batch of 1"));
  YoloConfig bad = c;
  bad.levels[1].anchors.clear();
  REQUIRE_THROWS_AS(yolo_build_targets(outputs, {{}}, bad), Error);
}

TEST_CASE("anchors_from_kmeans recovers clustered box shapes", "[yolo]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> noise(0.95f, 1.05f);
  const std::vector<BoxSize> centres{{10, 10}, {30, 60}, {100, 50}};
  std::vector<BoxSize> sizes;
  for (int i = 0; i < 300; ++i) {
    const BoxSize& c = centres[i % 3];
    sizes.push_back({c.w * noise(rng), c.h * noise(rng)});
  }
  const auto anchors = anchors_from_kmeans(sizes, 3, 42);
  REQUIRE(anchors.size() == 3);
  for (size_t k = 0; k < 3; ++k) {  // sorted by area, so in the order of `centres`
    REQUIRE(anchors[k].w == Approx(centres[k].w).epsilon(0.02));
    REQUIRE(anchors[k].h == Approx(centres[k].h).epsilon(0.02));
  }
  REQUIRE(mean_best_anchor_iou(sizes, anchors) > 0.9);
  REQUIRE(mean_best_anchor_iou(sizes, anchors_from_kmeans(sizes, 1, 42)) < 0.5);

  // Same seed, same anchors; k = number of boxes gives the boxes themselves.
  const auto again = anchors_from_kmeans(sizes, 3, 42);
  for (size_t k = 0; k < 3; ++k) REQUIRE(again[k].w == anchors[k].w);
  const std::vector<BoxSize> four{{1, 1}, {2, 8}, {8, 2}, {9, 9}};
  const auto all = anchors_from_kmeans(four, 4, 1);
  REQUIRE(mean_best_anchor_iou(four, all) == Approx(1.0));
  // Fewer distinct shapes than k still returns k anchors.
  REQUIRE(anchors_from_kmeans({{5, 5}, {5, 5}, {5, 5}}, 2, 0).size() == 2);

  REQUIRE_THROWS_AS(anchors_from_kmeans(four, 5, 1), Error);
  REQUIRE_THROWS_AS(anchors_from_kmeans(four, 0, 1), Error);
  REQUIRE_THROWS_AS(anchors_from_kmeans({{1, 0}}, 1, 1), Error);
}
