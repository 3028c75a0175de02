// PNG figures shared by the example programs: line charts, training curves (loss per step and per
// epoch next to one validation metric per epoch), a confusion matrix and precision-recall curves.
// Everything is drawn on Canvas, so a figure is a plain PNG next to report.html.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/canvas.h"

namespace example_common {

struct Series {
  std::string name;
  Colour colour;
  std::vector<double> x, y;
  int thickness = 2;
};

struct ChartOptions {
  // Axis limits; NaN fits the axis to the data (rounded out to whole ticks on y).
  double x_min = std::numeric_limits<double>::quiet_NaN();
  double x_max = std::numeric_limits<double>::quiet_NaN();
  double y_min = std::numeric_limits<double>::quiet_NaN();
  double y_max = std::numeric_limits<double>::quiet_NaN();
  bool legend_bottom_left = false;  // default: top right
};

// A line chart with axes, ticks, a title and a legend. Non-finite points are skipped; a series
// with no finite point is left out of the legend too.
Canvas line_chart(const std::string& title, const std::string& x_label,
                  const std::vector<Series>& series, int width = 560, int height = 380,
                  const ChartOptions& options = {});

// Loss (train per step, train and validation per epoch) next to one validation metric per epoch.
struct TrainingCurves {
  std::vector<double> step_epoch, step_loss;  // x in fractional epochs
  std::vector<double> epoch, train_loss, val_loss;
  std::vector<double> val_metric;  // fractions in [0, 1], drawn as percent
  std::string metric_title = "Validation accuracy (%)";
};
bool write_training_curves(const std::string& path, const TrainingCurves& curves);

// confusion[true][predicted] counts; cells shaded by the row-normalised count, with the count and
// the row percentage written in.
bool write_confusion_png(const std::string& path,
                         const std::vector<std::vector<int64_t>>& confusion,
                         const std::vector<std::string>& classes);

// One precision-recall curve per class, both axes fixed to [0, 1]; the legend gives each
// class's average precision.
struct PrCurve {
  std::string name;
  Colour colour;
  std::vector<double> recall, precision;  // points in order of decreasing score threshold
  double average_precision = 0;
};
Canvas pr_chart(const std::string& title, const std::vector<PrCurve>& curves, int width = 560,
                int height = 420);
bool write_pr_curves(const std::string& path, const std::vector<PrCurve>& curves,
                     const std::string& title = "Precision-recall");

// Distinct colours for class k (boxes, curves), cycling after ten.
Colour class_colour(size_t k);

}  // namespace example_common
