// Greedy non-maximum suppression over detections.
//
// Choices that matter:
// - Greedy (the classic Fast R-CNN / torchvision.ops.nms rule): visit boxes by descending score
//   and keep a box unless it overlaps an already kept box with IoU > iou_threshold (strictly
//   greater, as torchvision and TensorFlow do; a pair at exactly the threshold both survive).
// - Deterministic ties: equal scores are visited in input order (a stable sort), so the same
//   input always keeps the same boxes.
// - Class-aware by default: boxes with different labels never suppress each other. The top-k
//   limit applies to the final list (all classes together), after suppression.
// - NaN scores are a cnn::Error (they have no place in a ranking).
#pragma once

#include <vector>

#include "cnn/detect/boxes.h"

namespace cnn::detect {

struct NmsOptions {
  float iou_threshold = 0.5f;   // suppress when IoU with a kept box is > this
  float score_threshold = 0.f;  // drop detections with score < this before suppression
  int top_k = -1;               // keep at most this many (all when < 0)
  bool class_agnostic = false;  // true: any box suppresses any other, whatever the labels
};

// Indices into `boxes` of the kept boxes, by descending score (class-agnostic: no labels here).
// requires boxes.size() == scores.size().
std::vector<int> nms(const std::vector<Box>& boxes, const std::vector<float>& scores,
                     float iou_threshold, int top_k = -1);

// The kept detections, by descending score (ties: input order).
std::vector<Detection> nms(const std::vector<Detection>& detections,
                           const NmsOptions& options = {});

}  // namespace cnn::detect
