// Greedy NMS (see nms.h). O(n * kept) IoU evaluations: detectors hand it a few hundred to a few
// thousand candidates after the score threshold, so nothing smarter is needed.
#include "cnn/detect/nms.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "cnn/error.h"

namespace cnn::detect {
namespace {

// Indices of the candidates in visiting order: descending score, ties by index.
std::vector<int> ranking(const std::vector<float>& scores, const char* op) {
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      throw Error(std::string(op) + ": score of detection " + std::to_string(i) + " is NaN");
    }
  }
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  return order;
}

// The greedy sweep; `same_group(i, j)` says whether i may suppress j.
template <typename SameGroup>
std::vector<int> greedy(const std::vector<Box>& boxes, const std::vector<int>& order,
                        float iou_threshold, int top_k, SameGroup same_group) {
  std::vector<int> kept;
  for (int candidate : order) {
    if (top_k >= 0 && int(kept.size()) >= top_k) break;
    bool suppressed = false;
    for (int k : kept) {
      if (same_group(k, candidate) && iou(boxes[k], boxes[candidate]) > iou_threshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(candidate);
  }
  return kept;
}

}  // namespace

std::vector<int> nms(const std::vector<Box>& boxes, const std::vector<float>& scores,
                     float iou_threshold, int top_k) {
  if (boxes.size() != scores.size()) {
    throw Error("nms: " + std::to_string(boxes.size()) + " boxes but " +
                std::to_string(scores.size()) + " scores");
  }
  return greedy(boxes, ranking(scores, "nms"), iou_threshold, top_k, [](int, int) { return true; });
}

std::vector<Detection> nms(const std::vector<Detection>& detections, const NmsOptions& options) {
  std::vector<Box> boxes;
  std::vector<float> scores;
  std::vector<int> source;  // index into `detections` of each candidate
  for (size_t i = 0; i < detections.size(); ++i) {
    if (std::isnan(detections[i].score)) {
      throw Error("nms: score of detection " + std::to_string(i) + " is NaN");
    }
    if (detections[i].score < options.score_threshold) continue;
    boxes.push_back(detections[i].box);
    scores.push_back(detections[i].score);
    source.push_back(int(i));
  }
  const auto order = ranking(scores, "nms");
  const auto kept =
      options.class_agnostic
          ? greedy(boxes, order, options.iou_threshold, options.top_k,
                   [](int, int) { return true; })
          : greedy(boxes, order, options.iou_threshold, options.top_k, [&](int a, int b) {
              return detections[source[a]].label == detections[source[b]].label;
            });
  std::vector<Detection> out;
  out.reserve(kept.size());
  for (int k : kept) out.push_back(detections[source[k]]);
  return out;
}

}  // namespace cnn::detect
