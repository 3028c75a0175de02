// report.html of a mask-classifier run, built from examples/common's HtmlReport: a training run's
// summary, curves, per-epoch table, confusion matrix, per-class metrics, image grid and skipped
// files; an evaluation run (`eval --out`) has the same page without the training sections.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mask_classifier {

// Figure file names inside a run directory (the report links to them).
inline constexpr const char* kCurvesPng = "curves.png";
inline constexpr const char* kConfusionPng = "confusion.png";
inline constexpr const char* kGridPng = "val_grid.png";
inline constexpr const char* kEvalGridPng = "eval_grid.png";

// metrics: the run's metrics.json object; it is an evaluation report when it has no "epochs".
// Returns false on an I/O error.
bool write_report_html(const std::string& path, const nlohmann::json& metrics);

}  // namespace mask_classifier
