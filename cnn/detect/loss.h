// The YOLO detection loss, built from autograd ops so that backward() trains the head.
//
// For each level, with P the head output [N, A*(5+K), Gh, Gw] and T its targets (yolo.h; every
// tensor in P's layout, weights zero outside the channels they govern):
//   objectness     = sum BCEWithLogits(P, T.target) * T.objectness_weight
//   classification = sum BCEWithLogits(P, T.target) * T.class_weight
//   box            = sum T.xy_weight * (sigmoid(P) - T.target)^2      (tx, ty: cell offsets)
//                  + sum T.wh_weight * (P - T.target)^2               (tw, th: log size ratios)
// summed over levels and divided by the batch size N (YOLOv3: per-image sums, so a batch of
// crowded photos weighs more than one of empty ones), then
//   total = box_gain * box + objectness_gain * objectness + class_gain * classification.
//
// Choices that matter:
// - Dense and mask-weighted: the same full-tensor ops run on every backend with no gather/scatter
//   op, and the cost is a few elementwise passes over the head output.
// - Box regression is squared error on the offsets (YOLOv2/v3), not GIoU: GIoU needs the decoded
//   box (exp of tw) inside the graph and behaves the same at convergence on these small boxes.
//   boxes.h's giou() is there as a host-side metric.
// - Classes are independent sigmoids (BCE), so the decoder's score is objectness * sigmoid(class).
#pragma once

#include <vector>

#include "cnn/detect/yolo.h"
#include "cnn/tensor.h"

namespace cnn::detect {

struct YoloLossOptions {
  float box_gain = 1.f;
  float objectness_gain = 1.f;
  float class_gain = 1.f;
};

// Each part is a one-element tensor on the outputs' device; `total` carries the graph.
struct YoloLossParts {
  Tensor total;
  Tensor box;
  Tensor objectness;
  Tensor classification;
};

// outputs[l] and targets[l] belong to level l (same shape and device). Throws cnn::Error naming
// the level and shapes on a mismatch.
YoloLossParts yolo_loss(const std::vector<Tensor>& outputs, const std::vector<YoloTargets>& targets,
                        const YoloLossOptions& options = {});

}  // namespace cnn::detect
