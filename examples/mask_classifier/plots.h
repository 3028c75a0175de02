// The PNG figures of a run: training curves, the confusion matrix and a grid of validation
// images labelled with predicted and true classes (wrong predictions framed in red and listed
// first, so the interesting cases are always on the page).
#pragma once

#include <string>
#include <vector>

#include "canvas.h"
#include "metrics.h"

namespace mask_classifier {

struct Series {
  std::string name;
  Colour colour;
  std::vector<double> x, y;
  int thickness = 2;
};

// A line chart with axes, ticks, a title and a legend. Non-finite points are skipped.
Canvas line_chart(const std::string& title, const std::string& x_label,
                  const std::vector<Series>& series, int width = 560, int height = 380);

// Loss (train per step, train and validation per epoch) next to validation accuracy per epoch.
struct TrainingCurves {
  std::vector<double> step_epoch, step_loss;  // x in fractional epochs
  std::vector<double> epoch, train_loss, val_loss, val_accuracy;
};
bool write_training_curves(const std::string& path, const TrainingCurves& curves);

// Cells shaded by the row-normalised count, with the count and the row percentage written in.
bool write_confusion_png(const std::string& path, const ClassificationMetrics& metrics,
                         const std::vector<std::string>& classes);

struct GridItem {
  const uint8_t* rgb;  // packed RGB, width x height
  int width, height;
  int truth, predicted;
  float probability;  // of the predicted class
};
// Up to `max_items` tiles, wrong predictions first.
bool write_prediction_grid(const std::string& path, std::vector<GridItem> items,
                           const std::vector<std::string>& classes, size_t max_items = 48);

}  // namespace mask_classifier
