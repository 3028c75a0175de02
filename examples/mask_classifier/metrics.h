// Classification metrics from true and predicted labels: confusion matrix (rows = true class,
// columns = predicted), accuracy = trace / total, per-class precision, recall, F1 and support, and
// the balanced accuracy: the mean recall of the classes that occur (scikit-learn's
// balanced_accuracy_score), which a skewed set (87% with_mask crops) cannot flatter.
// A class that is never predicted has precision 0 (not NaN), like scikit-learn's zero_division=0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mask_classifier {

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;  // true instances of the class
};

struct ClassificationMetrics {
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
  double accuracy = 0;
  double balanced_accuracy = 0;
  std::vector<ClassMetrics> per_class;
  int64_t total() const;
};

// requires: truth.size() == predicted.size(), labels in [0, n_classes).
ClassificationMetrics compute_metrics(size_t n_classes, const std::vector<int32_t>& truth,
                                      const std::vector<int32_t>& predicted);

// A table for the terminal: the confusion matrix, then per-class precision/recall/F1/support and
// the accuracy.
std::string format_metrics(const ClassificationMetrics& m, const std::vector<std::string>& classes);

// {"accuracy", "balanced_accuracy", "confusion_matrix", "per_class": {name: {precision, recall, f1,
// support}}}
nlohmann::json metrics_to_json(const ClassificationMetrics& m,
                               const std::vector<std::string>& classes);

}  // namespace mask_classifier
