// The classifier's own figure: a grid of images labelled with predicted and true classes (wrong
// predictions framed in red and listed first, so the interesting cases are always on the page).
// The curves, the confusion matrix and the canvas come from examples/common.
#pragma once

#include <string>
#include <vector>

#include "common/canvas.h"
#include "common/plots.h"

namespace mask_classifier {

using example_common::Canvas;
using example_common::TrainingCurves;
using example_common::write_confusion_png;
using example_common::write_training_curves;

struct GridItem {
  const uint8_t* rgb;  // packed RGB, width x height
  int width, height;
  int truth, predicted;
  float probability;  // of the predicted class
};
// Up to `max_items` tiles, wrong predictions first; `what` names the images in the title.
bool write_prediction_grid(const std::string& path, std::vector<GridItem> items,
                           const std::vector<std::string>& classes, size_t max_items = 48,
                           const std::string& what = "Validation images");

}  // namespace mask_classifier
