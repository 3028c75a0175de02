// YOLO-style anchor heads: decoding head outputs into detections, assigning ground-truth boxes to
// dense training targets, and choosing anchors from data by k-means.
//
// The parameterisation (YOLOv2/v3; face-api's TinyFaceDetector uses the same box decoding):
// - A level (one output scale) has a stride s and A anchors (w, h) in network-input pixels. Its
//   head output is [N, A*(5+K), Gh, Gw]; channel a*(5+K)+j of anchor a holds
//     j = 0, 1, 2, 3: tx, ty, tw, th    j = 4: objectness logit    j = 5..5+K-1: class logits.
// - Decoding the cell (gx, gy) of anchor a, with c = xy_scale (1 by default):
//     cx = (gx + c * sigmoid(tx) - (c - 1) / 2) * s        w = anchor_w * exp(tw)
//     cy = (gy + c * sigmoid(ty) - (c - 1) / 2) * s        h = anchor_h * exp(th)
//   c = 1 is YOLOv2/v3 (the centre stays inside its cell); c = 2 is YOLOv4's scale_x_y and
//   YOLOv5's (2 sigmoid - 0.5): the centre may lie up to half a cell outside, which lets the
//   neighbouring cells predict a box too (TargetOptions::neighbour_cells).
//     objectness = sigmoid(to),  p_k = sigmoid(class logit k)  (independent classes, as YOLOv3:
//     the loss uses binary cross-entropy), score of class k = objectness * p_k.
// - Targets (yolo_build_targets): a ground truth goes to the cell containing its centre,
//   gx = floor(cx / s), and to the anchor with the best shape IoU (boxes compared as if they shared
//   their centre) among the anchors of all levels, which also picks its level; optionally also to
//   every other anchor whose shape IoU exceeds extra_anchor_iou; optionally also to the two
//   neighbouring cells nearest the centre (YOLOv5). The regression targets are
//   sigmoid(tx) -> (cx / s - gx + (c - 1) / 2) / c (the centre's offset from the cell, mapped to
//   [0, 1) at c = 1 and to (0.25, 0.75) at c = 2 for the centre cell), likewise ty, and
//   tw -> log(w / anchor_w), th -> log(h / anchor_h).
// - Two boxes claiming the same (cell, anchor) slot: a box whose centre is in that cell beats one
//   that reaches it as a neighbour; among equals, the one whose shape matches the anchor better
//   keeps it (the earlier one on ties); the other is dropped for that slot and counted.
#pragma once

#include <cstdint>
#include <vector>

#include "cnn/detect/boxes.h"
#include "cnn/tensor.h"

namespace cnn::detect {

// A width and height in pixels: an anchor, or a box's size.
struct BoxSize {
  float w = 0, h = 0;
};
using Anchor = BoxSize;

struct YoloLevel {
  int stride = 32;
  std::vector<Anchor> anchors;
};

struct YoloConfig {
  std::vector<YoloLevel> levels;  // one per head output, in the order the outputs are passed
  int num_classes = 1;
  // c in the decode formulas above; 1 (YOLOv2/v3, face-api) or more (2: YOLOv4/v5).
  float xy_scale = 1.f;

  int values_per_anchor() const { return 5 + num_classes; }
  int64_t channels(int level) const;  // A * (5 + K) of that level
  // requires at least one level, positive strides, anchor sizes and class count, and
  // xy_scale >= 1 (cnn::Error).
  void validate() const;
};

// IoU of two boxes of these sizes sharing their centre.
float shape_iou(const BoxSize& a, const BoxSize& b);

// One prediction's box from its raw offsets (the decode formulas above).
Box decode_box(float tx, float ty, float tw, float th, int gx, int gy, const Anchor& anchor,
               int stride, float xy_scale = 1.f);

// The regression targets of `box` for cell (gx, gy) and `anchor`: {sigmoid(tx), sigmoid(ty),
// tw, th} as defined above; decode_box(logit(t[0]), logit(t[1]), t[2], t[3], ...) gives the box
// back. requires a box of positive size whose centre the cell can represent: offset from the
// cell within (-(c - 1) / 2, 1 + (c - 1) / 2) (cnn::Error otherwise).
struct BoxTargets {
  float sx = 0, sy = 0, tw = 0, th = 0;
};
BoxTargets encode_box(const Box& box, int gx, int gy, const Anchor& anchor, int stride,
                      float xy_scale = 1.f);

// ---- decoding ----
struct DecodeOptions {
  float score_threshold = 0.25f;  // keep predictions with objectness * p_k >= this
  // false: one detection per (cell, anchor), with its best class (lowest label on ties).
  // true: one detection per class that passes the threshold.
  bool multi_label = false;
};

// Head outputs (one per level, [N, A*(5+K), Gh, Gw], any device; copied to the host) -> one list of
// detections per image, in network-input pixels, unsorted and before NMS. Throws cnn::Error naming
// the level and shape when the outputs do not match the config.
std::vector<std::vector<Detection>> yolo_decode(const std::vector<Tensor>& outputs,
                                                const YoloConfig& config,
                                                const DecodeOptions& options = {});

// ---- training targets ----
struct TargetOptions {
  // Also make positives of the other anchors (any level) whose shape IoU with the box is above
  // this; values >= 1 turn it off (only the best anchor).
  float extra_anchor_iou = 1.f;
  // Negatives whose currently predicted box has IoU > ignore_iou with a ground truth of the same
  // image get objectness weight 0 (YOLOv3's ignore rule). Needs the outputs' values; >= 1 turns it
  // off.
  float ignore_iou = 0.5f;
  // Objectness weight of negatives (YOLOv1's lambda_noobj); positives have weight 1.
  float negative_weight = 1.f;
  // YOLOv3's box weight 2 - w*h / (input_w*input_h), larger for small boxes; 1 when false.
  bool scale_box_weight_by_size = true;
  // Weight of the class channels of a positive whose ground truth has label k: class_weights[k]
  // (for rare classes); empty = 1 for every label, else one positive entry per class.
  std::vector<float> class_weights;
  // YOLOv5's neighbour cells: every slot a box gets (best anchor and extra anchors) is repeated
  // in the horizontal neighbour nearer the centre when the centre is within half a cell of that
  // edge, and likewise vertically (so up to three cells per anchor, where the grid has them).
  // Triples the positives of small data sets. requires config.xy_scale >= 2, so that those cells
  // can reach the centre.
  bool neighbour_cells = false;
};

// Dense targets for one level, each tensor in the layout of that level's head output
// [N, A*(5+K), Gh, Gw] and on its device. Weights are zero outside the channels they govern.
struct YoloTargets {
  Tensor target;             // sx, sy, tw, th at positives; objectness 1/0; class one-hot
  Tensor objectness_weight;  // objectness channel: 1 positives, negative_weight or 0 (ignored)
  Tensor class_weight;       // class channels of positives: 1 (or class_weights[label])
  Tensor xy_weight;          // tx, ty channels of positives: the box weight
  Tensor wh_weight;          // tw, th channels of positives: the box weight
  int num_positives = 0;
  int num_ignored = 0;     // negatives given objectness weight 0 by the ignore rule
  int num_collisions = 0;  // boxes that lost a slot to a better-matching box
};

// ground_truths[n] are image n's boxes in network-input pixels (labels in [0, K); `difficult` is
// not looked at). Each box needs positive size and its centre inside the input
// [0, Gw*s) x [0, Gh*s); otherwise cnn::Error names the image and box.
std::vector<YoloTargets> yolo_build_targets(
    const std::vector<Tensor>& outputs, const std::vector<std::vector<GroundTruth>>& ground_truths,
    const YoloConfig& config, const TargetOptions& options = {});

// ---- anchors from data ----
// k-means on box sizes with distance 1 - shape_iou (YOLOv2's anchor clustering): k-means++
// seeding from `seed`, centroids = mean size of their members, until no assignment changes (or
// max_iterations). Returns k anchors sorted by area (ascending). requires 1 <= k <= sizes.size()
// and positive sizes.
std::vector<Anchor> anchors_from_kmeans(const std::vector<BoxSize>& sizes, int k, uint64_t seed,
                                        int max_iterations = 300);
// Mean over `sizes` of the best shape IoU with any anchor (how well the anchors fit the data).
double mean_best_anchor_iou(const std::vector<BoxSize>& sizes, const std::vector<Anchor>& anchors);

}  // namespace cnn::detect
