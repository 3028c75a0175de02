// Flip + shift, low-resolution round trip and colour jitter (see augment.h).
#include "cnn/data/augment.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "cnn/data/rng.h"

namespace cnn::data {
namespace {

uint8_t to_byte(float v) {
  return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

}  // namespace

void shrink_and_enlarge(uint8_t* image, int width, int height, int small_width, int small_height) {
  const int sw = std::clamp(small_width, 1, width), sh = std::clamp(small_height, 1, height);
  // Area average: small pixel (i, j) covers source [i*W/sw, (i+1)*W/sw) on each axis, with
  // fractional coverage at the edges.
  std::vector<float> small(static_cast<size_t>(sw) * sh * 3, 0.f);
  const double fx = static_cast<double>(width) / sw, fy = static_cast<double>(height) / sh;
  for (int j = 0; j < sh; ++j) {
    const double y0 = j * fy, y1 = (j + 1) * fy;
    for (int i = 0; i < sw; ++i) {
      const double x0 = i * fx, x1 = (i + 1) * fx;
      double acc[3] = {0, 0, 0};
      for (int y = static_cast<int>(y0); y < height && y < y1; ++y) {
        const double wy = std::min<double>(y + 1, y1) - std::max<double>(y, y0);
        for (int x = static_cast<int>(x0); x < width && x < x1; ++x) {
          const double w = wy * (std::min<double>(x + 1, x1) - std::max<double>(x, x0));
          const uint8_t* p = image + (static_cast<size_t>(y) * width + x) * 3;
          for (int c = 0; c < 3; ++c) acc[c] += w * p[c];
        }
      }
      float* d = &small[(static_cast<size_t>(j) * sw + i) * 3];
      for (int c = 0; c < 3; ++c) d[c] = static_cast<float>(acc[c] / (fx * fy));
    }
  }
  for (int y = 0; y < height; ++y) {
    const float sy = std::clamp(static_cast<float>((y + 0.5) / fy - 0.5), 0.f, float(sh - 1));
    const int y0 = static_cast<int>(sy), y1 = std::min(y0 + 1, sh - 1);
    const float wy = sy - static_cast<float>(y0);
    for (int x = 0; x < width; ++x) {
      const float sx = std::clamp(static_cast<float>((x + 0.5) / fx - 0.5), 0.f, float(sw - 1));
      const int x0 = static_cast<int>(sx), x1 = std::min(x0 + 1, sw - 1);
      const float wx = sx - static_cast<float>(x0);
      auto at = [&](int yy, int xx, int c) {
        return small[(static_cast<size_t>(yy) * sw + xx) * 3 + c];
      };
      uint8_t* d = image + (static_cast<size_t>(y) * width + x) * 3;
      for (int c = 0; c < 3; ++c) {
        const float top = at(y0, x0, c) + wx * (at(y0, x1, c) - at(y0, x0, c));
        const float bottom = at(y1, x0, c) + wx * (at(y1, x1, c) - at(y1, x0, c));
        d[c] = to_byte(top + wy * (bottom - top));
      }
    }
  }
}

void colour_jitter(uint8_t* image, int width, int height, float brightness, float contrast,
                   float saturation) {
  const size_t n = static_cast<size_t>(width) * height;
  // Rec. 601 luma, as torchvision's ColorJitter uses for grey.
  auto grey = [](const float* p) { return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]; };
  std::vector<float> v(n * 3);
  for (size_t i = 0; i < n * 3; ++i) v[i] = std::min(255.f, image[i] * brightness);
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += grey(&v[i * 3]);
  mean /= static_cast<double>(n);
  for (size_t i = 0; i < n * 3; ++i)
    v[i] = std::clamp(static_cast<float>(mean + contrast * (v[i] - mean)), 0.f, 255.f);
  for (size_t i = 0; i < n; ++i) {
    float* p = &v[i * 3];
    const float g = grey(p);
    for (int c = 0; c < 3; ++c) image[i * 3 + c] = to_byte(g + saturation * (p[c] - g));
  }
}

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
  if (options.low_resolution > 0 && rng.chance(options.low_resolution)) {
    const int longest = std::max(width, height);
    const int lo = std::clamp(options.low_resolution_min_side, 1, longest);
    const int side =
        longest > lo ? lo + static_cast<int>(rng.below(static_cast<uint64_t>(longest - lo))) : lo;
    const double scale = static_cast<double>(side) / longest;
    shrink_and_enlarge(dst, width, height,
                       std::max(1, static_cast<int>(std::lround(width * scale))),
                       std::max(1, static_cast<int>(std::lround(height * scale))));
  }
  if (options.colour > 0) {
    const double c = options.colour;
    const float b = static_cast<float>(rng.uniform(1 - c, 1 + c));
    const float k = static_cast<float>(rng.uniform(1 - c, 1 + c));
    const float s = static_cast<float>(rng.uniform(1 - c, 1 + c));
    colour_jitter(dst, width, height, b, k, s);
  }
}

}  // namespace cnn::data
