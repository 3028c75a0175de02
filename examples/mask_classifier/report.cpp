// The classifier's report.html (see report.h).
#include "report.h"

#include "common/report.h"

namespace mask_classifier {
namespace {

using example_common::escape_html;
using example_common::fixed;

std::string text_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return "-";
  const nlohmann::json& v = j[key];
  return escape_html(v.is_string() ? v.get<std::string>() : v.dump());
}

std::string class_list(const nlohmann::json& m) {
  std::string out;
  if (m.contains("classes")) {
    for (size_t i = 0; i < m["classes"].size(); ++i)
      out += (i ? ", " : "") + escape_html(m["classes"][i].get<std::string>());
  }
  return out;
}

}  // namespace

bool write_report_html(const std::string& path, const nlohmann::json& m) {
  const bool training = m.contains("epochs");
  example_common::HtmlReport page(
      "mask-classifier report",
      training ? "mask-classifier training report" : "mask-classifier evaluation report");
  if (training) {
    page.raw_html("<p class=\"sub\">data: <code>" + text_of(m, "data") +
                  "</code> &middot; device: <code>" + text_of(m, "device") +
                  "</code> &middot; network: <code>" + text_of(m, "network") + "</code> (" +
                  text_of(m, "parameters") + " parameters)</p>\n");
    page.raw_html("<p><span class=\"big\">" + fixed(100 * m.value("val_accuracy", 0.0), 2) +
                  "%</span> validation accuracy on " + text_of(m, "val_size") +
                  " images (trained on " + text_of(m, "train_size") +
                  ", classes: " + class_list(m) + ")</p>\n");
  } else {
    page.raw_html("<p class=\"sub\">model: <code>" + text_of(m, "model") +
                  "</code> &middot; data: <code>" + text_of(m, "data") +
                  "</code> &middot; device: <code>" + text_of(m, "device") + "</code></p>\n");
    page.raw_html("<p><span class=\"big\">" + fixed(100 * m.value("accuracy", 0.0), 2) +
                  "%</span> accuracy on " + text_of(m, "images") +
                  " images (classes: " + class_list(m) + "); balanced accuracy " +
                  fixed(100 * m.value("balanced_accuracy", 0.0), 2) + "%</p>\n");
  }
  if (m.contains("warnings")) {
    for (const nlohmann::json& w : m["warnings"]) page.warning(w.get<std::string>());
  }

  if (training) {
    page.section("Training curves");
    page.image("curves", kCurvesPng, "loss and accuracy curves");
    page.section("Epochs");
    std::vector<std::vector<std::string>> rows;
    int e = 1;
    for (const nlohmann::json& ep : m["epochs"]) {
      rows.push_back(
          {std::to_string(e++), fixed(ep.value("train_loss", 0.0), 4),
           fixed(ep.value("val_loss", 0.0), 4), fixed(100 * ep.value("val_accuracy", 0.0), 2) + "%",
           fixed(ep.value("seconds", 0.0), 1), fixed(ep.value("images_per_second", 0.0), 1)});
    }
    page.table({"epoch", "train loss", "val loss", "val accuracy", "seconds", "images/s"}, rows);
  }

  page.begin_columns();
  page.column();
  page.section("Confusion matrix");
  page.image("confusion", kConfusionPng, "confusion matrix");
  page.column();
  page.section("Per class");
  std::vector<std::vector<std::string>> per_class;
  if (m.contains("per_class")) {
    for (const auto& [name, cm] : m["per_class"].items()) {
      per_class.push_back({name, fixed(cm.value("precision", 0.0), 4),
                           fixed(cm.value("recall", 0.0), 4), fixed(cm.value("f1", 0.0), 4),
                           std::to_string(cm.value("support", 0))});
    }
  }
  page.table({"class", "precision", "recall", "F1", "support"}, per_class);
  page.end_columns();

  if (training) {
    page.section("Validation images");
    page.image("grid", kGridPng, "validation images with predicted and true labels");
  } else {
    page.section("Images");
    page.image("grid", kEvalGridPng, "evaluated images with predicted and true labels");
  }
  page.skipped_files(m.contains("skipped_files") ? m["skipped_files"] : nlohmann::json::array(),
                     "None: every file in the dataset folder was decoded.");
  return page.save(path);
}

}  // namespace mask_classifier
