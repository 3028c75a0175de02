// Greedy NMS: hand-built cases for each rule (threshold strictness, ties, classes, top-k, score
// threshold, the greedy chain) and random inputs checked against the defining property of greedy
// NMS rather than a second copy of the algorithm.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "cnn/detect/nms.h"
#include "cnn/error.h"

using namespace cnn::detect;

TEST_CASE("nms keeps the best of overlapping boxes and leaves separate ones", "[nms]") {
  const std::vector<Box> boxes{{0, 0, 10, 10}, {1, 0, 11, 10}, {20, 20, 30, 30}};
  const std::vector<float> scores{0.9f, 0.8f, 0.7f};  // iou(0, 1) = 90/110
  REQUIRE(nms(boxes, scores, 0.5f) == std::vector<int>{0, 2});
  REQUIRE(nms(boxes, scores, 0.85f) == std::vector<int>{0, 1, 2});
  // Output is by descending score, whatever the input order.
  REQUIRE(nms(boxes, {0.1f, 0.2f, 0.3f}, 0.5f) == std::vector<int>{2, 1});
}

TEST_CASE("nms suppresses only above the threshold (IoU exactly at it survives)", "[nms]") {
  const std::vector<Box> boxes{{0, 0, 10, 10}, {0, 0, 10, 5}};  // IoU exactly 0.5
  REQUIRE(nms(boxes, {0.9f, 0.8f}, 0.5f) == std::vector<int>{0, 1});
  REQUIRE(nms(boxes, {0.9f, 0.8f}, 0.49f) == std::vector<int>{0});
}

TEST_CASE("nms breaks score ties by input order", "[nms]") {
  const std::vector<Box> boxes{{0, 0, 10, 10}, {0, 0, 10, 10}, {0.5f, 0, 10.5f, 10}};
  REQUIRE(nms(boxes, {0.5f, 0.5f, 0.5f}, 0.5f) == std::vector<int>{0});
  const std::vector<Box> reversed{boxes[2], boxes[1], boxes[0]};
  REQUIRE(nms(reversed, {0.5f, 0.5f, 0.5f}, 0.5f) == std::vector<int>{0});
  // Same through the Detection overload: the first of the tied detections is the one kept.
  std::vector<Detection> dets{{boxes[0], 0.5f, 0}, {boxes[2], 0.5f, 0}};
  const auto kept = nms(dets, NmsOptions{});
  REQUIRE(kept.size() == 1);
  REQUIRE(kept[0].box.x1 == 0.f);
}

TEST_CASE("greedy nms: a suppressed box suppresses nothing", "[nms]") {
  // iou(A,B) = iou(B,C) = 60/140 > 0.4, iou(A,C) = 20/180 < 0.4: B goes, so C stays.
  const std::vector<Box> boxes{{0, 0, 10, 10}, {4, 0, 14, 10}, {8, 0, 18, 10}};
  REQUIRE(nms(boxes, {0.9f, 0.8f, 0.7f}, 0.4f) == std::vector<int>{0, 2});
}

TEST_CASE("nms is class-aware unless asked not to be", "[nms]") {
  const std::vector<Detection> dets{
      {{0, 0, 10, 10}, 0.9f, 0}, {{0, 0, 10, 10}, 0.8f, 1}, {{1, 0, 11, 10}, 0.7f, 0}};
  const auto aware = nms(dets, NmsOptions{});
  REQUIRE(aware.size() == 2);
  REQUIRE(aware[0].label == 0);
  REQUIRE(aware[0].score == 0.9f);
  REQUIRE(aware[1].label == 1);

  NmsOptions agnostic;
  agnostic.class_agnostic = true;
  const auto one = nms(dets, agnostic);
  REQUIRE(one.size() == 1);
  REQUIRE(one[0].score == 0.9f);
}

TEST_CASE("nms top-k and score threshold", "[nms]") {
  std::vector<Detection> dets;
  for (int i = 0; i < 5; ++i) {
    dets.push_back({{20.f * i, 0, 20.f * i + 10, 10}, 0.1f * float(i + 1), i % 2});
  }
  NmsOptions top3;
  top3.top_k = 3;
  const auto kept = nms(dets, top3);
  REQUIRE(kept.size() == 3);
  REQUIRE(kept[0].score == dets[4].score);
  REQUIRE(kept[1].score == dets[3].score);
  REQUIRE(kept[2].score == dets[2].score);

  NmsOptions above;
  above.score_threshold = 0.3f;  // keeps score >= 0.3 (0.3f itself included)
  const auto passed = nms(dets, above);
  REQUIRE(passed.size() == 3);
  REQUIRE(passed.back().score == dets[2].score);

  REQUIRE(nms(std::vector<Detection>{}, NmsOptions{}).empty());
  REQUIRE(nms(std::vector<Box>{{0, 0, 1, 1}}, {0.5f}, 0.5f, 0).empty());
}

TEST_CASE("nms rejects NaN scores and mismatched inputs", "[nms]") {
  REQUIRE_THROWS_AS(nms(std::vector<Box>{{0, 0, 1, 1}}, {NAN}, 0.5f), cnn::Error);
  REQUIRE_THROWS_AS(nms(std::vector<Box>{{0, 0, 1, 1}}, {0.1f, 0.2f}, 0.5f), cnn::Error);
  REQUIRE_THROWS_AS(nms(std::vector<Detection>{{{0, 0, 1, 1}, NAN, 0}}, NmsOptions{}), cnn::Error);
}

TEST_CASE("nms on random boxes has the greedy property", "[nms]") {
  // Greedy NMS is characterised by: walking the candidates by (score desc, index asc), a box is
  // kept exactly when no earlier kept box of its class overlaps it above the threshold. Check it
  // for every candidate, plus the output order, on random clustered boxes with tied scores.
  std::mt19937 rng(2026);
  std::uniform_real_distribution<float> pos(0, 60), len(4, 30), jitter(-3, 3);
  std::uniform_int_distribution<int> score_step(0, 9), label(0, 2);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<Detection> dets;
    for (int i = 0; i < 40; ++i) {
      const float x = pos(rng), y = pos(rng);
      dets.push_back({{x + jitter(rng), y + jitter(rng), x + len(rng), y + len(rng)},
                      0.1f * float(score_step(rng)),
                      label(rng)});
    }
    NmsOptions opts;
    opts.iou_threshold = 0.3f + 0.05f * float(trial % 8);
    opts.class_agnostic = trial % 3 == 0;
    const auto kept = nms(dets, opts);

    std::vector<int> order(dets.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return dets[a].score > dets[b].score; });
    std::vector<Detection> expected;
    for (int i : order) {
      bool covered = false;
      for (const auto& k : expected) {
        const bool same_class = opts.class_agnostic || k.label == dets[i].label;
        covered |= same_class && iou(k.box, dets[i].box) > opts.iou_threshold;
      }
      if (!covered) expected.push_back(dets[i]);
    }
    REQUIRE(kept.size() == expected.size());
    for (size_t i = 0; i < kept.size(); ++i) {
      REQUIRE(kept[i].box.x1 == expected[i].box.x1);
      REQUIRE(kept[i].score == expected[i].score);
      REQUIRE(kept[i].label == expected[i].label);
    }
    // No two kept boxes of a class overlap above the threshold.
    for (size_t i = 0; i < kept.size(); ++i) {
      for (size_t j = i + 1; j < kept.size(); ++j) {
        if (opts.class_agnostic || kept[i].label == kept[j].label) {
          REQUIRE(iou(kept[i].box, kept[j].box) <= opts.iou_threshold);
        }
      }
    }
  }
}
