// report.html: one self-contained page (inline CSS, relative <img> links to the run's PNGs) that
// shows a run's summary, per-epoch table, per-class metrics, the figures and skipped files.
// A small inline script records whether every image loaded (data-images-loaded="k/n" on <body>),
// so a headless browser test can check the page with --dump-dom.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mask_classifier {

// Figure file names inside a run directory (the report links to them).
inline constexpr const char* kCurvesPng = "curves.png";
inline constexpr const char* kConfusionPng = "confusion.png";
inline constexpr const char* kGridPng = "val_grid.png";

// metrics: the run's metrics.json object. Returns false on an I/O error.
bool write_report_html(const std::string& path, const nlohmann::json& metrics);

}  // namespace mask_classifier
