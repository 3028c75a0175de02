// What the detector's runs write besides the model: metrics.json content, annotated photos, the
// validation grid, precision-recall curves and report.html.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/data/detection_dataset.h"
#include "cnn/detect/map_eval.h"
#include "common/canvas.h"

namespace mask_detector {

inline constexpr const char* kCurvesPng = "training_curves.png";
inline constexpr const char* kPrCurvesPng = "pr_curves.png";
inline constexpr const char* kGridPng = "val_grid.png";

// Box colour of a class: green with_mask, red without_mask, orange mask_weared_incorrect, others
// from the shared palette.
example_common::Colour label_colour(const std::vector<std::string>& classes, int label);

// The photo with each detection drawn as a box coloured by label, "label 0.93" on its tab; with
// `truth`, the annotated boxes first as thin white outlines.
cnn::data::RgbImage annotate(const cnn::data::RgbImage& image,
                             const std::vector<cnn::detect::Detection>& detections,
                             const std::vector<std::string>& classes,
                             const std::vector<cnn::data::AnnotatedBox>* truth = nullptr);

// Annotated photos (with their true boxes) side by side, each scaled to fit a 320x240 cell.
bool write_detection_grid(const std::string& path,
                          const std::vector<cnn::data::RgbImage>& annotated);

// Per-class AP@0.5, AP@[.5:.95], precision and recall, the means, counts: the metrics part of
// metrics.json (without the PR curves, which go to the PNG).
nlohmann::json metrics_to_json(const cnn::detect::EvalResult& m,
                               const std::vector<std::string>& classes);
// A text table of the same, for the terminal.
std::string format_metrics(const cnn::detect::EvalResult& m,
                           const std::vector<std::string>& classes);

bool write_pr_curves_png(const std::string& path, const cnn::detect::EvalResult& m,
                         const std::vector<std::string>& classes);

// report.html from metrics.json's content: summary, per-class table, figures present in the run
// directory (training curves for train, PR curves and the grid for both), the JSON.
bool write_report_html(const std::string& path, const nlohmann::json& metrics);

}  // namespace mask_detector
