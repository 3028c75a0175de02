// Face crops with a margin: the rectangle a face box becomes when it is cut out of its photo for
// the classifier. `mask-classifier crops` writes such crops; `mask-detector baseline` classifies
// them in memory, so both see the same pixels for the same box.
#pragma once

#include "cnn/data/image.h"
#include "cnn/detect/boxes.h"

namespace example_common {

// Pixel rectangle [x0, x1) x [y0, y1) of an image.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// The box padded by margin * its width on the left and right and margin * its height at the top
// and bottom, widened to whole pixels (floor/ceil) and clipped to the width x height image.
PixelRect crop_rect(const cnn::detect::Box& box, double margin, int width, int height);

// requires: r lies inside the image and is non-empty.
cnn::data::RgbImage cut(const cnn::data::RgbImage& image, const PixelRect& r);

}  // namespace example_common
