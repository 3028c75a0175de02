// Face crops with a margin (see face_crop.h).
#include "common/face_crop.h"

#include <algorithm>
#include <cmath>

namespace example_common {

PixelRect crop_rect(const cnn::detect::Box& box, double margin, int width, int height) {
  const double pad_x = margin * box.width(), pad_y = margin * box.height();
  // Clamped in double before the cast, so a huge --margin cannot overflow int.
  const auto clamp = [](double v, int hi) {
    return static_cast<int>(std::clamp(v, 0.0, 1.0 * hi));
  };
  PixelRect r;
  r.x0 = clamp(std::floor(box.x1 - pad_x), width);
  r.y0 = clamp(std::floor(box.y1 - pad_y), height);
  r.x1 = clamp(std::ceil(box.x2 + pad_x), width);
  r.y1 = clamp(std::ceil(box.y2 + pad_y), height);
  return r;
}

cnn::data::RgbImage cut(const cnn::data::RgbImage& image, const PixelRect& r) {
  cnn::data::RgbImage out;
  out.width = r.x1 - r.x0;
  out.height = r.y1 - r.y0;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y) {
    const uint8_t* src =
        image.pixels.data() + (static_cast<size_t>(r.y0 + y) * image.width + r.x0) * 3;
    std::copy(src, src + static_cast<size_t>(out.width) * 3,
              out.pixels.data() + static_cast<size_t>(y) * out.width * 3);
  }
  return out;
}

}  // namespace example_common
