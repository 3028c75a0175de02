// Writes random detection/ground-truth cases and libcnn's metrics for them to a JSON file, for
// tests/detect/voc_ap_reference.py to recompute independently (ctest detect.voc_ap_reference).
//
// usage: detect_map_reference_helper OUT.json [CASES] [SEED]
// The cases are built to hit every rule: near-copies of objects at IoUs around the thresholds,
// duplicates, wrong labels, background boxes, difficult objects, empty images, classes without
// objects, and scores quantised to a few values so that ties are common.
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "cnn/detect/map_eval.h"

using namespace cnn::detect;
using nlohmann::json;

namespace {

json box_json(const Box& b) {
  // Floats converted to double exactly; nlohmann prints doubles so that they round-trip.
  return json::array({double(b.x1), double(b.y1), double(b.x2), double(b.y2)});
}

json nan_to_null(double v) {
  return std::isnan(v) ? json(nullptr) : json(v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.json [CASES] [SEED]\n", argv[0]);
    return 2;
  }
  const int num_cases = argc > 2 ? std::stoi(argv[2]) : 200;
  std::mt19937 rng(argc > 3 ? unsigned(std::stoul(argv[3])) : 20261201u);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return uniform(0, 1) < p; };
  auto integer = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  json cases = json::array();
  for (int c = 0; c < num_cases; ++c) {
    const int num_classes = integer(1, 4);
    const int num_images = integer(1, 8);
    const bool quantised_scores = chance(0.5);
    // Integer boxes 20 px high with detections cut to k/20 of the height hit IoUs of exactly
    // 0.50, 0.55, ..., 0.95: both sides must count "at the threshold" as a match.
    const bool exact_ious = chance(0.3);
    MapEvaluator ev(num_classes);
    json images = json::array();
    for (int i = 0; i < num_images; ++i) {
      std::vector<GroundTruth> gts;
      std::vector<Detection> dets;
      const int num_gt = chance(0.15) ? 0 : integer(0, 6);
      for (int g = 0; g < num_gt; ++g) {
        Box b;
        if (exact_ious) {
          const float x = float(integer(0, 80)), y = float(integer(0, 80));
          b = Box{x, y, x + float(integer(4, 40)), y + 20.f};
        } else {
          const float x = float(uniform(0, 80)), y = float(uniform(0, 80));
          b = Box{x, y, x + float(uniform(4, 40)), y + float(uniform(4, 40))};
        }
        gts.push_back({b, integer(0, num_classes - 1), chance(0.2)});
        // The same object annotated twice: a detection overlaps both equally (first one wins).
        if (chance(0.1)) gts.push_back({b, gts.back().label, false});
      }
      auto score = [&]() {
        return quantised_scores ? float(integer(1, 5)) / 5.f : float(uniform(0, 1));
      };
      for (const auto& g : gts) {
        if (exact_ious && chance(0.5)) {
          const float height = float(integer(10, 20));  // IoU = height / 20
          dets.push_back({{g.box.x1, g.box.y1, g.box.x2, g.box.y1 + height}, score(), g.label});
          continue;
        }
        const int copies = chance(0.25) ? 0 : (chance(0.25) ? 2 : 1);
        for (int k = 0; k < copies; ++k) {
          // Shift the object by up to 40% of its size: IoUs spread over roughly 0.3 ... 1.
          const float w = g.box.width(), h = g.box.height();
          const float dx = float(uniform(-0.4, 0.4)) * w, dy = float(uniform(-0.4, 0.4)) * h;
          const float sw = float(uniform(0.8, 1.2)), sh = float(uniform(0.8, 1.2));
          const Box b{g.box.x1 + dx, g.box.y1 + dy, g.box.x1 + dx + w * sw, g.box.y1 + dy + h * sh};
          const int label = chance(0.1) ? integer(0, num_classes - 1) : g.label;
          dets.push_back({b, score(), label});
        }
      }
      const int background = integer(0, 3);
      for (int k = 0; k < background; ++k) {
        const float x = float(uniform(0, 90)), y = float(uniform(0, 90));
        dets.push_back({{x, y, x + float(uniform(2, 30)), y + float(uniform(2, 30))},
                        score(),
                        integer(0, num_classes - 1)});
      }
      std::shuffle(dets.begin(), dets.end(), rng);
      ev.add_image(dets, gts);

      json image;
      image["detections"] = json::array();
      for (const auto& d : dets) {
        image["detections"].push_back(
            {{"box", box_json(d.box)}, {"score", double(d.score)}, {"label", d.label}});
      }
      image["ground_truths"] = json::array();
      for (const auto& g : gts) {
        image["ground_truths"].push_back(
            {{"box", box_json(g.box)}, {"label", g.label}, {"difficult", g.difficult}});
      }
      images.push_back(image);
    }

    const float score_threshold = float(integer(1, 9)) / 10.f;
    const EvalResult r = ev.evaluate(score_threshold);
    json result;
    result["score_threshold"] = double(score_threshold);
    result["map50"] = nan_to_null(r.map50);
    result["map50_95"] = nan_to_null(r.map50_95);
    result["classes"] = json::array();
    for (int k = 0; k < num_classes; ++k) {
      const ClassResult& cr = r.classes[k];
      json ap_at = json::array();
      for (double t : coco_iou_thresholds())
        ap_at.push_back(nan_to_null(ev.average_precision(k, t)));
      result["classes"].push_back({{"ap50", nan_to_null(cr.ap50)},
                                   {"ap50_95", nan_to_null(cr.ap50_95)},
                                   {"ap_at_thresholds", ap_at},
                                   {"num_ground_truths", cr.num_ground_truths},
                                   {"true_positives", cr.true_positives},
                                   {"false_positives", cr.false_positives},
                                   {"precision", cr.precision},
                                   {"recall", cr.recall}});
    }
    cases.push_back({{"num_classes", num_classes}, {"images", images}, {"result", result}});
  }
  std::ofstream out(argv[1]);
  out << json{{"iou_thresholds", coco_iou_thresholds()}, {"cases", cases}}.dump();
  return out.good() ? 0 : 1;
}
