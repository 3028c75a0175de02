// Figures, metrics and report.html of the detector (see report.h).
#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/plots.h"
#include "common/report.h"

namespace mask_detector {
namespace {

using example_common::Canvas;
using example_common::Colour;
using example_common::escape_html;
using example_common::fixed;

// NaN (a class without ground truth) as JSON null.
nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

std::string percent_or_dash(const nlohmann::json& v) {
  return v.is_number() ? fixed(100 * v.get<double>(), 1) : "-";
}

}  // namespace

Colour label_colour(const std::vector<std::string>& classes, int label) {
  const std::string name = label >= 0 && label < static_cast<int>(classes.size())
                               ? classes[static_cast<size_t>(label)]
                               : "";
  if (name == "with_mask") return example_common::colours::kGreen;
  if (name == "without_mask") return example_common::colours::kRed;
  if (name == "mask_weared_incorrect") return example_common::colours::kOrange;
  return example_common::class_colour(static_cast<size_t>(std::max(label, 0)));
}

cnn::data::RgbImage annotate(const cnn::data::RgbImage& image,
                             const std::vector<cnn::detect::Detection>& detections,
                             const std::vector<std::string>& classes,
                             const std::vector<cnn::data::AnnotatedBox>* truth) {
  Canvas canvas(image);
  const int thickness = std::max(1, std::min(image.width, image.height) / 300);
  const int text_scale = std::max(1, std::min(image.width, image.height) / 400);
  if (truth) {
    for (const cnn::data::AnnotatedBox& b : *truth) {
      canvas.outline_rect(
          static_cast<int>(std::floor(b.box.x1)), static_cast<int>(std::floor(b.box.y1)),
          static_cast<int>(std::ceil(b.box.x2)), static_cast<int>(std::ceil(b.box.y2)),
          example_common::colours::kWhite, 1);
    }
  }
  // Lowest score first, so the best boxes are drawn on top.
  std::vector<cnn::detect::Detection> order = detections;
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.score < b.score; });
  for (const cnn::detect::Detection& d : order) {
    char label[96];
    const std::string name = d.label >= 0 && d.label < static_cast<int>(classes.size())
                                 ? classes[static_cast<size_t>(d.label)]
                                 : std::to_string(d.label);
    std::snprintf(label, sizeof label, "%s %.2f", name.c_str(), d.score);
    canvas.labelled_box(
        static_cast<int>(std::floor(d.box.x1)), static_cast<int>(std::floor(d.box.y1)),
        static_cast<int>(std::ceil(d.box.x2)), static_cast<int>(std::ceil(d.box.y2)),
        label_colour(classes, d.label), label, thickness, text_scale);
  }
  return canvas.image();
}

bool write_detection_grid(const std::string& path,
                          const std::vector<cnn::data::RgbImage>& annotated) {
  constexpr int kCellW = 320, kCellH = 240, kGap = 6, kColumns = 4;
  const int n = static_cast<int>(annotated.size());
  const int columns = std::max(1, std::min(kColumns, n));
  const int rows = std::max(1, (n + columns - 1) / columns);
  Canvas grid(columns * (kCellW + kGap) + kGap, rows * (kCellH + kGap) + kGap,
              example_common::colours::kLightGrey);
  for (int i = 0; i < n; ++i) {
    const cnn::data::RgbImage& img = annotated[static_cast<size_t>(i)];
    const double scale = std::min(double(kCellW) / img.width, double(kCellH) / img.height);
    const int w = std::max(1, static_cast<int>(std::lround(img.width * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(img.height * scale)));
    const cnn::data::RgbImage small = cnn::data::resize_rgb(img, w, h);
    const int x = kGap + (i % columns) * (kCellW + kGap) + (kCellW - w) / 2;
    const int y = kGap + (i / columns) * (kCellH + kGap) + (kCellH - h) / 2;
    grid.paste(small.pixels.data(), w, h, x, y);
  }
  return grid.save_png(path);
}

nlohmann::json metrics_to_json(const cnn::detect::EvalResult& m,
                               const std::vector<std::string>& classes) {
  nlohmann::json per_class = nlohmann::json::object();
  for (size_t c = 0; c < m.classes.size(); ++c) {
    const cnn::detect::ClassResult& r = m.classes[c];
    per_class[c < classes.size() ? classes[c] : std::to_string(c)] = {
        {"ap50", number_or_null(r.ap50)},
        {"ap50_95", number_or_null(r.ap50_95)},
        {"precision", r.precision},
        {"recall", r.recall},
        {"true_positives", r.true_positives},
        {"false_positives", r.false_positives},
        {"ground_truths", r.num_ground_truths},
        {"difficult", r.num_difficult},
        {"detections", r.num_detections}};
  }
  return {{"map50", number_or_null(m.map50)},
          {"map50_95", number_or_null(m.map50_95)},
          {"score_threshold", m.score_threshold},
          {"precision", m.precision},
          {"recall", m.recall},
          {"true_positives", m.true_positives},
          {"false_positives", m.false_positives},
          {"ground_truths", m.num_ground_truths},
          {"images", m.num_images},
          {"per_class", per_class}};
}

std::string format_metrics(const cnn::detect::EvalResult& m,
                           const std::vector<std::string>& classes) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %8s %8s %8s %8s %7s\n", "class", "AP@0.5", "AP@.5:.95",
                "prec", "recall", "boxes");
  out += line;
  for (size_t c = 0; c < m.classes.size(); ++c) {
    const cnn::detect::ClassResult& r = m.classes[c];
    std::snprintf(line, sizeof line, "%-24s %8.3f %8.3f %8.3f %8.3f %7d\n",
                  c < classes.size() ? classes[c].c_str() : "?", r.ap50, r.ap50_95, r.precision,
                  r.recall, r.num_ground_truths);
    out += line;
  }
  std::snprintf(line, sizeof line, "%-24s %8.3f %8.3f %8.3f %8.3f %7d\n", "all (mean AP)", m.map50,
                m.map50_95, m.precision, m.recall, m.num_ground_truths);
  out += line;
  std::snprintf(line, sizeof line, "(%d images; precision and recall at score >= %.2f, IoU 0.5)\n",
                m.num_images, m.score_threshold);
  out += line;
  return out;
}

bool write_pr_curves_png(const std::string& path, const cnn::detect::EvalResult& m,
                         const std::vector<std::string>& classes) {
  std::vector<example_common::PrCurve> curves;
  for (size_t c = 0; c < m.classes.size(); ++c) {
    const cnn::detect::ClassResult& r = m.classes[c];
    if (!r.has_ground_truth()) continue;
    example_common::PrCurve curve;
    curve.name = c < classes.size() ? classes[c] : std::to_string(c);
    curve.colour = label_colour(classes, static_cast<int>(c));
    curve.average_precision = r.ap50;
    for (const cnn::detect::PrPoint& p : r.pr_curve) {
      curve.recall.push_back(p.recall);
      curve.precision.push_back(p.precision);
    }
    curves.push_back(std::move(curve));
  }
  return example_common::write_pr_curves(path, curves, "Precision-recall at IoU 0.5");
}

bool write_report_html(const std::string& path, const nlohmann::json& m) {
  const bool training = m.contains("epochs");
  auto text = [&](const char* key) {
    if (!m.contains(key)) return std::string("-");
    const nlohmann::json& v = m[key];
    return escape_html(v.is_string() ? v.get<std::string>() : v.dump());
  };
  example_common::HtmlReport page("mask-detector report", training
                                                              ? "mask-detector training report"
                                                              : "mask-detector evaluation report");
  page.raw_html("<p class=\"sub\">" +
                std::string(training ? "" : "model: <code>" + text("model") + "</code> &middot; ") +
                "data: <code>" + text("data") + "</code> &middot; split: <code>" + text("split") +
                "</code> &middot; device: <code>" + text("device") +
                "</code> &middot; network: <code>" + text("network") + "</code></p>\n");
  const nlohmann::json& metrics = m.at("metrics");
  page.raw_html("<p><span class=\"big\">" + percent_or_dash(metrics.at("map50")) +
                "%</span> mAP@0.5 &middot; " + percent_or_dash(metrics.at("map50_95")) +
                "% mAP@[.5:.95] on " + escape_html(metrics.at("images").dump()) + " images</p>\n");
  if (m.contains("warnings")) {
    for (const nlohmann::json& w : m["warnings"]) page.warning(w.get<std::string>());
  }
  page.section("Per class");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, r] : metrics.at("per_class").items()) {
    rows.push_back({name, percent_or_dash(r.at("ap50")), percent_or_dash(r.at("ap50_95")),
                    fixed(100 * r.at("precision").get<double>(), 1),
                    fixed(100 * r.at("recall").get<double>(), 1), r.at("ground_truths").dump(),
                    r.at("detections").dump()});
  }
  page.table({"class", "AP@0.5 (%)", "AP@[.5:.95] (%)", "precision (%)", "recall (%)", "boxes",
              "detections"},
             rows);
  page.paragraph(
      "Precision and recall at score >= " + fixed(metrics.at("score_threshold").get<double>(), 2) +
      " and IoU 0.5; AP is Pascal VOC's all-point average precision over every "
      "detection with score >= 0.01; mAP@[.5:.95] averages it over IoU 0.50 ... 0.95.");
  if (training) {
    page.section("Training curves");
    page.image("curves", kCurvesPng, "loss and validation mAP per epoch");
  }
  page.section("Precision-recall curves");
  page.image("pr", kPrCurvesPng, "precision-recall curves per class");
  page.section("Photos: predicted boxes (coloured) and annotated boxes (white)");
  page.image("grid", kGridPng, "validation photos with predicted and true boxes");
  page.section("metrics.json");
  nlohmann::json shown = m;
  shown.erase("epochs");
  page.json(shown);
  return page.save(path);
}

}  // namespace mask_detector
