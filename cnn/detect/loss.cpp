// The YOLO loss from autograd ops (formulas and choices in loss.h).
#include "cnn/detect/loss.h"

#include <string>

#include "cnn/error.h"
#include "cnn/ops.h"

namespace cnn::detect {
namespace {

void check_level(size_t level, const Tensor& output, const YoloTargets& t) {
  const std::string where = "yolo_loss: level " + std::to_string(level);
  if (!output.defined()) throw Error(where + " output is undefined");
  const std::pair<const char*, const Tensor*> parts[] = {
      {"target", &t.target},
      {"objectness_weight", &t.objectness_weight},
      {"class_weight", &t.class_weight},
      {"xy_weight", &t.xy_weight},
      {"wh_weight", &t.wh_weight}};
  for (const auto& [name, tensor] : parts) {
    if (!tensor->defined() || tensor->shape() != output.shape()) {
      throw Error(where + " output " + shape_str(output.shape()) + " but " + name + " " +
                  (tensor->defined() ? shape_str(tensor->shape()) : std::string("undefined")));
    }
  }
}

Tensor accumulate(const Tensor& sum_so_far, const Tensor& term) {
  return sum_so_far.defined() ? add(sum_so_far, term) : term;
}

}  // namespace

YoloLossParts yolo_loss(const std::vector<Tensor>& outputs, const std::vector<YoloTargets>& targets,
                        const YoloLossOptions& options) {
  if (outputs.empty() || outputs.size() != targets.size()) {
    throw Error("yolo_loss: " + std::to_string(outputs.size()) + " outputs and " +
                std::to_string(targets.size()) + " target sets (one per level, at least one)");
  }
  Tensor box, objectness, classification;
  for (size_t l = 0; l < outputs.size(); ++l) {
    const Tensor& p = outputs[l];
    const YoloTargets& t = targets[l];
    check_level(l, p, t);
    if (p.size(0) != outputs.front().size(0)) {
      throw Error("yolo_loss: level " + std::to_string(l) + " has batch " +
                  std::to_string(p.size(0)) + ", level 0 has " +
                  std::to_string(outputs.front().size(0)));
    }
    objectness = accumulate(objectness, binary_cross_entropy_with_logits(
                                            p, t.target, t.objectness_weight, Reduction::sum));
    classification = accumulate(classification, binary_cross_entropy_with_logits(
                                                    p, t.target, t.class_weight, Reduction::sum));
    const Tensor dxy = sub(sigmoid(p), t.target);
    const Tensor dwh = sub(p, t.target);
    box = accumulate(
        box, add(sum(mul(t.xy_weight, mul(dxy, dxy))), sum(mul(t.wh_weight, mul(dwh, dwh)))));
  }
  const float per_image = 1.f / float(outputs.front().size(0));
  YoloLossParts parts;
  parts.box = mul(box, per_image);
  parts.objectness = mul(objectness, per_image);
  parts.classification = mul(classification, per_image);
  parts.total =
      add(add(mul(parts.box, options.box_gain), mul(parts.objectness, options.objectness_gain)),
          mul(parts.classification, options.class_gain));
  return parts;
}

}  // namespace cnn::detect
