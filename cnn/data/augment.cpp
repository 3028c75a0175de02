// Flip + shift augmentation (see augment.h).
#include "cnn/data/augment.h"

#include <algorithm>
#include <cmath>

#include "cnn/data/rng.h"

namespace cnn::data {

void augment_image(const uint8_t* src, int width, int height, const AugmentOptions& options,
                   Rng& rng, uint8_t* dst) {
  const bool flip = options.flip && rng.chance(0.5);
  const int max_dx = static_cast<int>(std::lround(options.max_shift * width));
  const int max_dy = static_cast<int>(std::lround(options.max_shift * height));
  const int dx = max_dx > 0 ? static_cast<int>(rng.below(2 * max_dx + 1)) - max_dx : 0;
  const int dy = max_dy > 0 ? static_cast<int>(rng.below(2 * max_dy + 1)) - max_dy : 0;
  for (int y = 0; y < height; ++y) {
    const int sy = std::clamp(y + dy, 0, height - 1);
    for (int x = 0; x < width; ++x) {
      const int fx = flip ? width - 1 - x : x;
      const int sx = std::clamp(fx + dx, 0, width - 1);
      const uint8_t* s = src + (static_cast<size_t>(sy) * width + sx) * 3;
      uint8_t* d = dst + (static_cast<size_t>(y) * width + x) * 3;
      d[0] = s[0], d[1] = s[1], d[2] = s[2];
    }
  }
}

}  // namespace cnn::data
