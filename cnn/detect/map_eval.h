// Detection metrics: Pascal VOC average precision per class, mAP@0.5, COCO-style mAP@[.5:.95],
// precision/recall at a score threshold and precision-recall curves.
//
// Definitions (the VOC2010+ devkit's VOCevaldet.m and VOCap.m, restated so the choices are
// visible; tests/detect/voc_ap_reference.py is an independent NumPy implementation):
// - Per class, the detections of all images are ranked by descending score; equal scores keep the
//   order in which they were added (image order, then order within the image), like MATLAB's
//   stable sort.
// - Each detection is compared with the ground truths of its class in its image and takes the one
//   of largest IoU (first one on ties), whether or not that one is already matched or difficult.
//   IoU >= threshold (at the threshold counts as a match):
//     difficult ground truth     -> ignored: neither TP nor FP, left out of the curve;
//     not yet matched            -> TP, the ground truth is now matched;
//     already matched            -> FP (a duplicate).
//   IoU < threshold (or no ground truth of that class in the image) -> FP.
// - Recall = TP / (non-difficult ground truths of the class); precision = TP / (TP + FP), after
//   each ranked detection. AP is the all-point interpolated area: precision made monotone from the
//   right, summed over the points where recall changes.
// - IoU is computed in double from the boxes' float coordinates, in continuous coordinates (no
//   "+1" pixel as in the devkit's integer convention; see boxes.h).
// - A class with no non-difficult ground truth has no AP (NaN; ClassResult::has_ground_truth() is
//   false) and is left out of the means; its detections are still counted in num_detections.
// - mAP@[.5:.95] is the mean over the ten IoU thresholds 0.50, 0.55, ..., 0.95 of the same VOC
//   all-point AP, averaged over classes. It uses the VOC matching and all-point interpolation, not
//   COCO's 101-point interpolation, crowd regions, area ranges or 100-detection cap, so it is close
//   to, but not the same number as, pycocotools' AP.
#pragma once

#include <vector>

#include "cnn/detect/boxes.h"

namespace cnn::detect {

// One point of a precision-recall curve: after the detections with score >= `score`.
struct PrPoint {
  float score = 0;
  double precision = 0;
  double recall = 0;
};

struct ClassResult {
  int num_ground_truths = 0;  // non-difficult
  int num_difficult = 0;
  int num_detections = 0;  // all detections with this label, before any threshold
  double ap50 = 0;         // NaN when there is no ground truth
  double ap50_95 = 0;      // NaN when there is no ground truth
  // At IoU 0.5 among the detections with score >= the evaluation's score_threshold. Precision is
  // 0 when no detection passes, recall is 0 when there is no ground truth.
  int true_positives = 0;
  int false_positives = 0;
  double precision = 0;
  double recall = 0;
  // At IoU 0.5, one point per ranked detection (ignored difficult matches left out).
  std::vector<PrPoint> pr_curve;

  bool has_ground_truth() const { return num_ground_truths > 0; }
};

struct EvalResult {
  std::vector<ClassResult> classes;  // indexed by label
  int num_images = 0;
  int num_classes_with_ground_truth = 0;
  double map50 = 0;     // mean ap50 over classes with ground truth; NaN when there are none
  double map50_95 = 0;  // mean ap50_95 over the same classes
  // All classes pooled, at IoU 0.5 and score >= score_threshold (same conventions as per class).
  float score_threshold = 0;
  int true_positives = 0;
  int false_positives = 0;
  int num_ground_truths = 0;
  double precision = 0;
  double recall = 0;
};

// The IoU thresholds of mAP@[.5:.95]: 0.50, 0.55, ..., 0.95 (each the double nearest to k/100).
std::vector<double> coco_iou_thresholds();

// Accumulates images, then computes the metrics. Labels must be in [0, num_classes).
class MapEvaluator {
 public:
  explicit MapEvaluator(int num_classes);

  int num_classes() const { return num_classes_; }
  int num_images() const { return int(images_.size()); }

  // One image's detections (any order, any number, scores not NaN) and ground truths. Throws
  // cnn::Error naming the image index and the label for a label outside [0, num_classes).
  void add_image(const std::vector<Detection>& detections,
                 const std::vector<GroundTruth>& ground_truths);
  void reset() { images_.clear(); }

  // VOC all-point AP of one class at one IoU threshold in (0, 1]; NaN without ground truth.
  double average_precision(int label, double iou_threshold) const;

  EvalResult evaluate(float score_threshold = 0.5f) const;

 private:
  struct Image {
    std::vector<Detection> detections;
    std::vector<GroundTruth> ground_truths;
  };
  enum class Outcome { true_positive, false_positive, ignored };
  struct Ranked {
    float score;
    Outcome outcome;
  };
  // The class's detections in rank order with their outcome at this IoU threshold.
  std::vector<Ranked> match(int label, double iou_threshold) const;
  int count_ground_truths(int label, bool difficult) const;
  void check_label(int label, const char* what) const;

  int num_classes_;
  std::vector<Image> images_;
};

}  // namespace cnn::detect
