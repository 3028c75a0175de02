// Pascal VOC / COCO-style detection metrics (definitions in map_eval.h).
#include "cnn/detect/map_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cnn/error.h"

namespace cnn::detect {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// VOCevaldet's overlap in double, continuous coordinates; 0 when the boxes do not overlap.
double iou_double(const Box& a, const Box& b) {
  const double w = std::min(double(a.x2), double(b.x2)) - std::max(double(a.x1), double(b.x1));
  const double h = std::min(double(a.y2), double(b.y2)) - std::max(double(a.y1), double(b.y1));
  if (!(w > 0 && h > 0)) return 0.0;
  const double inter = w * h;
  const double area_a = (double(a.x2) - a.x1) * (double(a.y2) - a.y1);
  const double area_b = (double(b.x2) - b.x1) * (double(b.y2) - b.y1);
  return inter / (area_a + area_b - inter);
}

// VOCap.m: all-point interpolated area under the (recall, precision) points.
double all_point_ap(const std::vector<double>& recall, const std::vector<double>& precision) {
  std::vector<double> mrec{0.0}, mpre{0.0};
  mrec.insert(mrec.end(), recall.begin(), recall.end());
  mpre.insert(mpre.end(), precision.begin(), precision.end());
  mrec.push_back(1.0);
  mpre.push_back(0.0);
  for (size_t i = mpre.size() - 1; i-- > 0;) mpre[i] = std::max(mpre[i], mpre[i + 1]);
  double ap = 0;
  for (size_t i = 1; i < mrec.size(); ++i) {
    if (mrec[i] != mrec[i - 1]) ap += (mrec[i] - mrec[i - 1]) * mpre[i];
  }
  return ap;
}

}  // namespace

std::vector<double> coco_iou_thresholds() {
  std::vector<double> t;
  for (int k = 50; k <= 95; k += 5) t.push_back(k / 100.0);
  return t;
}

MapEvaluator::MapEvaluator(int num_classes) : num_classes_(num_classes) {
  if (num_classes <= 0) {
    throw Error("MapEvaluator: num_classes must be positive, got " + std::to_string(num_classes));
  }
}

void MapEvaluator::check_label(int label, const char* what) const {
  if (label < 0 || label >= num_classes_) {
    throw Error(std::string("MapEvaluator: ") + what + " label " + std::to_string(label) +
                " outside [0, " + std::to_string(num_classes_) + ")");
  }
}

void MapEvaluator::add_image(const std::vector<Detection>& detections,
                             const std::vector<GroundTruth>& ground_truths) {
  const std::string image = "image " + std::to_string(images_.size());
  for (size_t i = 0; i < detections.size(); ++i) {
    if (detections[i].label < 0 || detections[i].label >= num_classes_) {
      throw Error("MapEvaluator::add_image: " + image + " detection " + std::to_string(i) +
                  " has label " + std::to_string(detections[i].label) + " outside [0, " +
                  std::to_string(num_classes_) + ")");
    }
    if (std::isnan(detections[i].score)) {
      throw Error("MapEvaluator::add_image: " + image + " detection " + std::to_string(i) +
                  " has a NaN score");
    }
  }
  for (size_t i = 0; i < ground_truths.size(); ++i) {
    if (ground_truths[i].label < 0 || ground_truths[i].label >= num_classes_) {
      throw Error("MapEvaluator::add_image: " + image + " ground truth " + std::to_string(i) +
                  " has label " + std::to_string(ground_truths[i].label) + " outside [0, " +
                  std::to_string(num_classes_) + ")");
    }
  }
  images_.push_back(Image{detections, ground_truths});
}

int MapEvaluator::count_ground_truths(int label, bool difficult) const {
  int n = 0;
  for (const auto& img : images_) {
    for (const auto& gt : img.ground_truths) n += (gt.label == label && gt.difficult == difficult);
  }
  return n;
}

std::vector<MapEvaluator::Ranked> MapEvaluator::match(int label, double iou_threshold) const {
  struct Candidate {
    int image;
    int index;
    float score;
  };
  std::vector<Candidate> candidates;  // in insertion order, so a stable sort keeps it on ties
  for (size_t i = 0; i < images_.size(); ++i) {
    const auto& dets = images_[i].detections;
    for (size_t d = 0; d < dets.size(); ++d) {
      if (dets[d].label == label) candidates.push_back({int(i), int(d), dets[d].score});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });

  std::vector<std::vector<char>> matched(images_.size());
  for (size_t i = 0; i < images_.size(); ++i) matched[i].assign(images_[i].ground_truths.size(), 0);

  std::vector<Ranked> ranked;
  ranked.reserve(candidates.size());
  for (const auto& c : candidates) {
    const Image& img = images_[c.image];
    const Box& box = img.detections[c.index].box;
    double best = -1;
    int best_gt = -1;
    for (size_t g = 0; g < img.ground_truths.size(); ++g) {
      if (img.ground_truths[g].label != label) continue;
      const double overlap = iou_double(box, img.ground_truths[g].box);
      if (overlap > 0 && overlap > best) {  // strict: the first of equal overlaps wins
        best = overlap;
        best_gt = int(g);
      }
    }
    Outcome outcome = Outcome::false_positive;
    if (best_gt >= 0 && best >= iou_threshold) {
      if (img.ground_truths[best_gt].difficult) {
        outcome = Outcome::ignored;
      } else if (!matched[c.image][best_gt]) {
        outcome = Outcome::true_positive;
        matched[c.image][best_gt] = 1;
      }
    }
    ranked.push_back({c.score, outcome});
  }
  return ranked;
}

double MapEvaluator::average_precision(int label, double iou_threshold) const {
  check_label(label, "average_precision:");
  if (!(iou_threshold > 0 && iou_threshold <= 1)) {
    throw Error("MapEvaluator::average_precision: IoU threshold " + std::to_string(iou_threshold) +
                " outside (0, 1]");
  }
  const int num_gt = count_ground_truths(label, false);
  if (num_gt == 0) return kNaN;
  std::vector<double> recall, precision;
  int tp = 0, fp = 0;
  for (const auto& r : match(label, iou_threshold)) {
    if (r.outcome == Outcome::ignored) continue;  // the devkit's row with tp = fp = 0 adds nothing
    (r.outcome == Outcome::true_positive ? tp : fp) += 1;
    recall.push_back(double(tp) / num_gt);
    precision.push_back(double(tp) / (tp + fp));
  }
  return all_point_ap(recall, precision);
}

EvalResult MapEvaluator::evaluate(float score_threshold) const {
  EvalResult result;
  result.num_images = num_images();
  result.score_threshold = score_threshold;
  result.classes.resize(num_classes_);
  const auto thresholds = coco_iou_thresholds();
  double sum50 = 0, sum50_95 = 0;
  for (int c = 0; c < num_classes_; ++c) {
    ClassResult& cr = result.classes[c];
    cr.num_ground_truths = count_ground_truths(c, false);
    cr.num_difficult = count_ground_truths(c, true);
    const auto ranked = match(c, 0.5);
    cr.num_detections = int(ranked.size());
    int tp = 0, fp = 0;
    for (const auto& r : ranked) {
      if (r.outcome == Outcome::ignored) continue;
      (r.outcome == Outcome::true_positive ? tp : fp) += 1;
      cr.pr_curve.push_back({r.score, double(tp) / (tp + fp),
                             cr.num_ground_truths > 0 ? double(tp) / cr.num_ground_truths : 0.0});
      if (r.score >= score_threshold) {
        cr.true_positives = tp;
        cr.false_positives = fp;
      }
    }
    const int passed = cr.true_positives + cr.false_positives;
    cr.precision = passed > 0 ? double(cr.true_positives) / passed : 0.0;
    cr.recall = cr.num_ground_truths > 0 ? double(cr.true_positives) / cr.num_ground_truths : 0.0;
    result.true_positives += cr.true_positives;
    result.false_positives += cr.false_positives;
    result.num_ground_truths += cr.num_ground_truths;

    if (!cr.has_ground_truth()) {
      cr.ap50 = cr.ap50_95 = kNaN;
      continue;
    }
    cr.ap50 = average_precision(c, 0.5);
    double sum = 0;
    for (double t : thresholds) sum += average_precision(c, t);
    cr.ap50_95 = sum / double(thresholds.size());
    result.num_classes_with_ground_truth += 1;
    sum50 += cr.ap50;
    sum50_95 += cr.ap50_95;
  }
  const int n = result.num_classes_with_ground_truth;
  result.map50 = n > 0 ? sum50 / n : kNaN;
  result.map50_95 = n > 0 ? sum50_95 / n : kNaN;
  const int passed = result.true_positives + result.false_positives;
  result.precision = passed > 0 ? double(result.true_positives) / passed : 0.0;
  result.recall =
      result.num_ground_truths > 0 ? double(result.true_positives) / result.num_ground_truths : 0.0;
  return result;
}

}  // namespace cnn::detect
