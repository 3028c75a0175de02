// Confusion matrix and derived metrics (see metrics.h).
#include "metrics.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace mask_classifier {

int64_t ClassificationMetrics::total() const {
  int64_t t = 0;
  for (const auto& row : confusion) {
    for (int64_t v : row) t += v;
  }
  return t;
}

ClassificationMetrics compute_metrics(size_t n_classes, const std::vector<int32_t>& truth,
                                      const std::vector<int32_t>& predicted) {
  if (truth.size() != predicted.size())
    throw std::invalid_argument("compute_metrics: size mismatch");
  ClassificationMetrics m;
  m.confusion.assign(n_classes, std::vector<int64_t>(n_classes, 0));
  for (size_t i = 0; i < truth.size(); ++i) {
    m.confusion.at(static_cast<size_t>(truth[i])).at(static_cast<size_t>(predicted[i])) += 1;
  }
  int64_t correct = 0;
  for (size_t c = 0; c < n_classes; ++c) correct += m.confusion[c][c];
  const int64_t total = m.total();
  m.accuracy = total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  for (size_t c = 0; c < n_classes; ++c) {
    ClassMetrics cm;
    int64_t predicted_c = 0;
    for (size_t t = 0; t < n_classes; ++t) predicted_c += m.confusion[t][c];
    for (size_t p = 0; p < n_classes; ++p) cm.support += m.confusion[c][p];
    const double tp = static_cast<double>(m.confusion[c][c]);
    cm.precision = predicted_c ? tp / static_cast<double>(predicted_c) : 0.0;
    cm.recall = cm.support ? tp / static_cast<double>(cm.support) : 0.0;
    cm.f1 = cm.precision + cm.recall > 0 ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall)
                                         : 0.0;
    m.per_class.push_back(cm);
  }
  double recall_sum = 0;
  int present = 0;
  for (const ClassMetrics& cm : m.per_class)
    if (cm.support > 0) recall_sum += cm.recall, ++present;
  m.balanced_accuracy = present ? recall_sum / present : 0.0;
  return m;
}

std::string format_metrics(const ClassificationMetrics& m,
                           const std::vector<std::string>& classes) {
  size_t name_w = 10;
  for (const std::string& c : classes) name_w = std::max(name_w, c.size());
  const int w = static_cast<int>(name_w);
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "confusion matrix (rows = true, columns = predicted):\n%*s", w + 2,
                "");
  out += buf;
  for (const std::string& c : classes) {
    std::snprintf(buf, sizeof buf, " %*s", w, c.c_str());
    out += buf;
  }
  out += '\n';
  for (size_t t = 0; t < classes.size(); ++t) {
    std::snprintf(buf, sizeof buf, "  %-*s", w, classes[t].c_str());
    out += buf;
    for (int64_t v : m.confusion[t]) {
      std::snprintf(buf, sizeof buf, " %*lld", w, static_cast<long long>(v));
      out += buf;
    }
    out += '\n';
  }
  std::snprintf(buf, sizeof buf, "\n  %-*s %9s %9s %9s %9s\n", w, "class", "precision", "recall",
                "f1", "support");
  out += buf;
  for (size_t c = 0; c < classes.size(); ++c) {
    const ClassMetrics& cm = m.per_class[c];
    std::snprintf(buf, sizeof buf, "  %-*s %9.4f %9.4f %9.4f %9lld\n", w, classes[c].c_str(),
                  cm.precision, cm.recall, cm.f1, static_cast<long long>(cm.support));
    out += buf;
  }
  std::snprintf(
      buf, sizeof buf, "\n  accuracy %.4f (%lld of %lld)\n  balanced accuracy %.4f (mean recall)\n",
      m.accuracy, static_cast<long long>(m.accuracy * static_cast<double>(m.total()) + 0.5),
      static_cast<long long>(m.total()), m.balanced_accuracy);
  out += buf;
  return out;
}

nlohmann::json metrics_to_json(const ClassificationMetrics& m,
                               const std::vector<std::string>& classes) {
  nlohmann::json j;
  j["accuracy"] = m.accuracy;
  j["balanced_accuracy"] = m.balanced_accuracy;
  j["confusion_matrix"] = m.confusion;
  nlohmann::json per_class = nlohmann::json::object();
  for (size_t c = 0; c < classes.size(); ++c) {
    const ClassMetrics& cm = m.per_class[c];
    per_class[classes[c]] = {
        {"precision", cm.precision}, {"recall", cm.recall}, {"f1", cm.f1}, {"support", cm.support}};
  }
  j["per_class"] = per_class;
  return j;
}

}  // namespace mask_classifier
