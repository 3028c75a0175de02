// The mAP evaluator on hand-computed cases (each AP below is worked out in the comment next to
// it from the VOC devkit's definition). tests/detect/voc_ap_reference.py checks random cases
// against an independent NumPy implementation.
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/detect/map_eval.h"
#include "cnn/error.h"

using namespace cnn::detect;

namespace {

GroundTruth gt(Box b, int label = 0, bool difficult = false) {
  return GroundTruth{b, label, difficult};
}
Detection det(Box b, float score, int label = 0) {
  return Detection{b, score, label};
}

}  // namespace

TEST_CASE("perfect detections give AP 1 at every threshold", "[map]") {
  MapEvaluator ev(2);
  ev.add_image({det({0, 0, 10, 10}, 0.9f, 0), det({20, 20, 40, 50}, 0.8f, 1)},
               {gt({0, 0, 10, 10}, 0), gt({20, 20, 40, 50}, 1)});
  ev.add_image({det({5, 5, 15, 25}, 0.3f, 0)}, {gt({5, 5, 15, 25}, 0)});
  const EvalResult r = ev.evaluate(0.5f);
  REQUIRE(r.num_images == 2);
  REQUIRE(r.num_classes_with_ground_truth == 2);
  REQUIRE(r.map50 == 1.0);
  REQUIRE(r.map50_95 == 1.0);
  REQUIRE(r.classes[0].ap50 == 1.0);
  REQUIRE(r.classes[1].ap50_95 == 1.0);
  // At score >= 0.5 the 0.3 detection is not counted: class 0 has recall 1/2, precision 1.
  REQUIRE(r.classes[0].true_positives == 1);
  REQUIRE(r.classes[0].false_positives == 0);
  REQUIRE(r.classes[0].recall == 0.5);
  REQUIRE(r.classes[0].precision == 1.0);
  REQUIRE(r.true_positives == 2);
  REQUIRE(r.num_ground_truths == 3);
  REQUIRE(r.recall == Approx(2.0 / 3.0));
  REQUIRE(r.precision == 1.0);
}

TEST_CASE("a false positive ranked above a true positive halves AP", "[map]") {
  // Ranked: FP (0.9), TP (0.8). Recall [0, 1], precision [0, 1/2] -> AP = 1 * 1/2.
  MapEvaluator ev(1);
  ev.add_image({det({50, 50, 60, 60}, 0.9f), det({0, 0, 10, 10}, 0.8f)}, {gt({0, 0, 10, 10})});
  REQUIRE(ev.average_precision(0, 0.5) == 0.5);

  // Ranked TP, FP, TP over two ground truths: recall [.5, .5, 1], precision [1, .5, 2/3]. The
  // interpolated precision is 1 up to recall .5 and 2/3 up to 1: AP = .5 + .5 * 2/3 = 5/6.
  MapEvaluator ev2(1);
  ev2.add_image({det({0, 0, 10, 10}, 0.9f), det({50, 50, 60, 60}, 0.8f)}, {gt({0, 0, 10, 10})});
  ev2.add_image({det({0, 0, 10, 10}, 0.7f)}, {gt({0, 0, 10, 10})});
  REQUIRE(ev2.average_precision(0, 0.5) == Approx(5.0 / 6.0).epsilon(1e-12));
  const EvalResult r = ev2.evaluate(0.75f);
  const auto& curve = r.classes[0].pr_curve;
  REQUIRE(curve.size() == 3);
  REQUIRE(curve[0].score == 0.9f);
  REQUIRE(curve[0].precision == 1.0);
  REQUIRE(curve[0].recall == 0.5);
  REQUIRE(curve[1].precision == 0.5);
  REQUIRE(curve[1].recall == 0.5);
  REQUIRE(curve[2].precision == Approx(2.0 / 3.0));
  REQUIRE(curve[2].recall == 1.0);
  // score >= 0.75: the TP at 0.9 and the FP at 0.8.
  REQUIRE(r.classes[0].true_positives == 1);
  REQUIRE(r.classes[0].false_positives == 1);
  REQUIRE(r.classes[0].precision == 0.5);
  REQUIRE(r.classes[0].recall == 0.5);
}

TEST_CASE("duplicate detections of one object are false positives", "[map]") {
  // TP then a duplicate: recall reaches 1 at the first detection, so AP is still 1, but the
  // precision at a threshold below both scores is 1/2.
  MapEvaluator ev(1);
  ev.add_image({det({0, 0, 10, 10}, 0.9f), det({0.5f, 0, 10.5f, 10}, 0.8f)}, {gt({0, 0, 10, 10})});
  REQUIRE(ev.average_precision(0, 0.5) == 1.0);
  const EvalResult r = ev.evaluate(0.5f);
  REQUIRE(r.classes[0].true_positives == 1);
  REQUIRE(r.classes[0].false_positives == 1);
  REQUIRE(r.classes[0].precision == 0.5);

  // VOC rule: a detection is judged against the ground truth it overlaps most, even when that one
  // is taken and another ground truth overlaps it above the threshold. Here the second detection
  // overlaps GT A (IoU 95/105) more than GT B (IoU 85/115 = 0.74): it is a duplicate of A, an FP.
  // Ranked TP, FP over two ground truths: AP = 1 * 1/2.
  MapEvaluator voc(1);
  voc.add_image({det({0, 0, 10, 10}, 0.9f), det({0.5f, 0, 10.5f, 10}, 0.8f)},
                {gt({0, 0, 10, 10}), gt({2, 0, 12, 10})});
  REQUIRE(voc.average_precision(0, 0.5) == 0.5);
}

TEST_CASE("difficult ground truths are neither rewarded nor penalised", "[map]") {
  MapEvaluator ev(1);
  // The top detection finds the difficult object: ignored, not an FP. The next one is a TP.
  ev.add_image({det({0, 0, 10, 10}, 0.9f), det({20, 0, 30, 10}, 0.8f)},
               {gt({0, 0, 10, 10}, 0, true), gt({20, 0, 30, 10})});
  // Missing a difficult object costs no recall.
  ev.add_image({}, {gt({0, 0, 10, 10}, 0, true)});
  const EvalResult r = ev.evaluate(0.5f);
  REQUIRE(r.classes[0].num_ground_truths == 1);
  REQUIRE(r.classes[0].num_difficult == 2);
  REQUIRE(r.classes[0].num_detections == 2);
  REQUIRE(r.classes[0].ap50 == 1.0);
  REQUIRE(r.classes[0].true_positives == 1);
  REQUIRE(r.classes[0].false_positives == 0);
  REQUIRE(r.classes[0].pr_curve.size() == 1);  // the ignored detection is not a curve point

  // A detection that only overlaps a difficult object below the threshold is an ordinary FP.
  MapEvaluator below(1);
  below.add_image({det({0, 0, 10, 4}, 0.9f), det({20, 0, 30, 10}, 0.8f)},
                  {gt({0, 0, 10, 10}, 0, true), gt({20, 0, 30, 10})});
  REQUIRE(below.average_precision(0, 0.5) == 0.5);

  // A class whose only objects are difficult has no AP and is left out of the mean.
  MapEvaluator only_difficult(2);
  only_difficult.add_image({det({0, 0, 10, 10}, 0.9f, 0), det({0, 0, 10, 10}, 0.9f, 1)},
                           {gt({0, 0, 10, 10}, 0), gt({0, 0, 10, 10}, 1, true)});
  const EvalResult od = only_difficult.evaluate();
  REQUIRE(std::isnan(od.classes[1].ap50));
  REQUIRE_FALSE(od.classes[1].has_ground_truth());
  REQUIRE(od.num_classes_with_ground_truth == 1);
  REQUIRE(od.map50 == 1.0);
}

TEST_CASE("IoU exactly at a threshold counts as a match", "[map]") {
  // IoU 50/100 = 0.5 exactly: a TP at 0.5, an FP at 0.55 and above. mAP@[.5:.95] = 1/10.
  MapEvaluator half(1);
  half.add_image({det({0, 0, 10, 5}, 0.9f)}, {gt({0, 0, 10, 10})});
  REQUIRE(half.average_precision(0, 0.5) == 1.0);
  REQUIRE(half.average_precision(0, 0.55) == 0.0);
  REQUIRE(half.evaluate().map50_95 == Approx(0.1).epsilon(1e-12));

  // IoU 70/100 matches at 0.50 ... 0.70 (5 of 10 thresholds); IoU 75/100 at 0.50 ... 0.75 (6).
  MapEvaluator seventy(1);
  seventy.add_image({det({0, 0, 10, 7}, 0.9f)}, {gt({0, 0, 10, 10})});
  REQUIRE(seventy.evaluate().map50_95 == Approx(0.5).epsilon(1e-12));
  MapEvaluator three_quarters(1);
  three_quarters.add_image({det({0, 0, 10, 7.5f}, 0.9f)}, {gt({0, 0, 10, 10})});
  REQUIRE(three_quarters.average_precision(0, 0.75) == 1.0);
  REQUIRE(three_quarters.evaluate().map50_95 == Approx(0.6).epsilon(1e-12));

  const auto t = coco_iou_thresholds();
  REQUIRE(t.size() == 10);
  REQUIRE(t.front() == 0.5);
  REQUIRE(t.back() == 0.95);
}

TEST_CASE("empty images, missing classes and no images", "[map]") {
  MapEvaluator ev(3);
  REQUIRE(std::isnan(ev.evaluate().map50));  // nothing added: no class has ground truth
  REQUIRE(ev.evaluate().num_classes_with_ground_truth == 0);

  ev.add_image({}, {});  // an empty image changes nothing
  ev.add_image({det({0, 0, 10, 10}, 0.9f, 0)}, {gt({0, 0, 10, 10}, 0)});
  ev.add_image({}, {gt({0, 0, 10, 10}, 1)});       // class 1 found nowhere: AP 0
  ev.add_image({det({5, 5, 9, 9}, 0.4f, 2)}, {});  // class 2: detections, no objects
  const EvalResult r = ev.evaluate(0.5f);
  REQUIRE(r.num_images == 4);
  REQUIRE(r.classes[0].ap50 == 1.0);
  REQUIRE(r.classes[1].ap50 == 0.0);
  REQUIRE(r.classes[1].num_detections == 0);
  REQUIRE(std::isnan(r.classes[2].ap50));
  REQUIRE(std::isnan(r.classes[2].ap50_95));
  REQUIRE(r.classes[2].num_detections == 1);
  REQUIRE(r.num_classes_with_ground_truth == 2);
  REQUIRE(r.map50 == 0.5);
  REQUIRE(r.map50_95 == 0.5);
  REQUIRE(r.classes[1].precision == 0.0);  // no detection passed: 0 by convention
  REQUIRE(r.classes[1].recall == 0.0);

  ev.reset();
  REQUIRE(ev.num_images() == 0);
}

TEST_CASE("a detection of the wrong class is an FP for its class and a miss for the other",
          "[map]") {
  MapEvaluator ev(2);
  ev.add_image({det({0, 0, 10, 10}, 0.9f, 1)}, {gt({0, 0, 10, 10}, 0), gt({30, 30, 40, 40}, 1)});
  const EvalResult r = ev.evaluate();
  REQUIRE(r.classes[0].ap50 == 0.0);
  REQUIRE(r.classes[1].ap50 == 0.0);
  REQUIRE(r.classes[1].false_positives == 1);
}

TEST_CASE("evaluator input errors name the image and label", "[map]") {
  REQUIRE_THROWS_AS(MapEvaluator(0), cnn::Error);
  MapEvaluator ev(2);
  REQUIRE_THROWS_WITH(ev.add_image({det({0, 0, 1, 1}, 0.5f, 2)}, {}),
                      Catch::Contains("image 0") && Catch::Contains("label 2"));
  REQUIRE_THROWS_WITH(ev.add_image({}, {gt({0, 0, 1, 1}, -1)}), Catch::Contains("label -1"));
  REQUIRE_THROWS_AS(ev.add_image({det({0, 0, 1, 1}, NAN, 0)}, {}), cnn::Error);
  REQUIRE_THROWS_AS(ev.average_precision(0, 0.0), cnn::Error);
  REQUIRE_THROWS_AS(ev.average_precision(5, 0.5), cnn::Error);
  REQUIRE(ev.num_images() == 0);  // rejected images are not added
}
