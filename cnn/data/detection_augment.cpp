// Box-aware augmentation and letterboxing (see detection_augment.h for the conventions).
#include "cnn/data/detection_augment.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "cnn/data/rng.h"
#include "cnn/error.h"

namespace cnn::data {
namespace {

// Source taps of one output index along one axis: clamped source indices and normalised weights.
struct Taps {
  std::vector<std::pair<int, float>> taps;
};

// Taps for output indices [0, n_out): centre i + 0.5 maps to source coordinate
// c = (i + 0.5 - offset) / scale; source centres within the tent radius contribute.
std::vector<Taps> axis_taps(int n_out, int n_src, float scale, float offset) {
  const double radius = std::max(1.0, 1.0 / std::abs(static_cast<double>(scale)));
  std::vector<Taps> out(static_cast<size_t>(n_out));
  for (int i = 0; i < n_out; ++i) {
    const double c = (i + 0.5 - offset) / scale - 0.5;  // in source index units
    const int lo = static_cast<int>(std::ceil(c - radius)),
              hi = static_cast<int>(std::floor(c + radius));
    double total = 0;
    std::vector<std::pair<int, float>>& taps = out[static_cast<size_t>(i)].taps;
    for (int j = lo; j <= hi; ++j) {
      const double w = 1.0 - std::abs(j - c) / radius;
      if (w <= 0) continue;
      taps.emplace_back(std::clamp(j, 0, n_src - 1), static_cast<float>(w));
      total += w;
    }
    for (auto& t : taps) t.second = static_cast<float>(t.second / total);
  }
  return out;
}

// Pixel indices [lo, hi] whose centres lie in [a, b).
std::pair<int, int> centre_range(float a, float b, int n) {
  const int lo = std::max(0, static_cast<int>(std::ceil(a - 0.5f)));
  const int hi = std::min(n - 1, static_cast<int>(std::ceil(b - 0.5f)) - 1);
  return {lo, hi};
}

detect::Box extent(const RgbImage& image) {
  return {0, 0, static_cast<float>(image.width), static_cast<float>(image.height)};
}

// Boxes through `t`, clipped to width x height; those keeping less than min_visible of their
// area are dropped.
std::vector<AnnotatedBox> map_boxes(const std::vector<AnnotatedBox>& boxes, const AxisTransform& t,
                                    float width, float height, float min_visible) {
  std::vector<AnnotatedBox> out;
  for (const AnnotatedBox& b : boxes) {
    const detect::Box mapped = t.apply(b.box);
    const detect::Box visible = detect::clip(mapped, width, height);
    const float a = detect::area(visible);
    if (a <= 0 || a < min_visible * detect::area(mapped)) continue;
    out.push_back({visible, b.label, b.difficult});
  }
  return out;
}

// Rounds half up (the same as lround for these non-negative values, without its libm call).
uint8_t to_byte(float v) {
  return static_cast<uint8_t>(std::clamp(v, 0.f, 255.f) + 0.5f);
}

}  // namespace

AxisTransform AxisTransform::from_letterbox(const detect::Letterbox& lb) {
  return {lb.scale_x, static_cast<float>(lb.pad_x), lb.scale_y, static_cast<float>(lb.pad_y)};
}

detect::Box AxisTransform::apply(const detect::Box& b) const {
  const float xa = scale_x * b.x1 + offset_x, xb = scale_x * b.x2 + offset_x;
  const float ya = scale_y * b.y1 + offset_y, yb = scale_y * b.y2 + offset_y;
  return {std::min(xa, xb), std::min(ya, yb), std::max(xa, xb), std::max(ya, yb)};
}

AxisTransform AxisTransform::then(const AxisTransform& next) const {
  return {next.scale_x * scale_x, next.scale_x * offset_x + next.offset_x, next.scale_y * scale_y,
          next.scale_y * offset_y + next.offset_y};
}

AxisTransform AxisTransform::inverse() const {
  check(scale_x != 0 && scale_y != 0, "AxisTransform::inverse: a scale is 0");
  return {1 / scale_x, -offset_x / scale_x, 1 / scale_y, -offset_y / scale_y};
}

RgbImage warp_image(const RgbImage& src, const AxisTransform& t, int width, int height,
                    const detect::Box& valid, uint8_t fill) {
  check(width > 0 && height > 0, "warp_image: output size " + std::to_string(width) + "x" +
                                     std::to_string(height) + " is not positive");
  check(t.scale_x != 0 && t.scale_y != 0, "warp_image: a scale of the transform is 0");
  check(src.width > 0 && src.height > 0 &&
            src.pixels.size() == static_cast<size_t>(src.width) * src.height * 3,
        "warp_image: source image is empty or its pixel buffer has the wrong size");
  RgbImage out;
  out.width = width;
  out.height = height;
  out.pixels.assign(static_cast<size_t>(width) * height * 3, fill);
  const auto [x0, x1] = centre_range(valid.x1, valid.x2, width);
  const auto [y0, y1] = centre_range(valid.y1, valid.y2, height);
  if (x0 > x1 || y0 > y1) return out;

  const std::vector<Taps> xt = axis_taps(width, src.width, t.scale_x, t.offset_x);
  const std::vector<Taps> yt = axis_taps(height, src.height, t.scale_y, t.offset_y);
  // Horizontal pass over the source rows the vertical taps need, into float rows of the valid
  // columns; then the vertical pass, one output row as a weighted sum of whole rows (contiguous,
  // so the compiler vectorises it).
  std::vector<char> row_needed(static_cast<size_t>(src.height), 0);
  for (int y = y0; y <= y1; ++y) {
    for (const auto& tap : yt[static_cast<size_t>(y)].taps) {
      row_needed[static_cast<size_t>(tap.first)] = 1;
    }
  }
  const size_t row_floats = static_cast<size_t>(x1 - x0 + 1) * 3;
  std::vector<float> rows(static_cast<size_t>(src.height) * row_floats, 0.f);
  for (int sy = 0; sy < src.height; ++sy) {
    if (!row_needed[static_cast<size_t>(sy)]) continue;
    const uint8_t* s = src.pixels.data() + static_cast<size_t>(sy) * src.width * 3;
    float* r = rows.data() + static_cast<size_t>(sy) * row_floats;
    for (int x = x0; x <= x1; ++x) {
      float acc0 = 0, acc1 = 0, acc2 = 0;
      for (const auto& [j, w] : xt[static_cast<size_t>(x)].taps) {
        const uint8_t* p = s + 3 * j;
        acc0 += w * p[0], acc1 += w * p[1], acc2 += w * p[2];
      }
      float* d = r + 3 * (x - x0);
      d[0] = acc0, d[1] = acc1, d[2] = acc2;
    }
  }
  std::vector<float> acc(row_floats);
  for (int y = y0; y <= y1; ++y) {
    std::fill(acc.begin(), acc.end(), 0.f);
    for (const auto& [j, w] : yt[static_cast<size_t>(y)].taps) {
      const float* r = rows.data() + static_cast<size_t>(j) * row_floats;
      for (size_t k = 0; k < row_floats; ++k) acc[k] += w * r[k];
    }
    uint8_t* d = out.pixels.data() + (static_cast<size_t>(y) * width + x0) * 3;
    for (size_t k = 0; k < row_floats; ++k) d[k] = to_byte(acc[k]);
  }
  return out;
}

AugmentedSample flip_horizontal(const RgbImage& image, const std::vector<AnnotatedBox>& boxes) {
  AugmentedSample out;
  out.transform = {-1, static_cast<float>(image.width), 1, 0};
  out.image = warp_image(image, out.transform, image.width, image.height, extent(image), 0);
  out.boxes = map_boxes(boxes, out.transform, static_cast<float>(image.width),
                        static_cast<float>(image.height), 0.f);
  return out;
}

AugmentedSample scale_crop(const RgbImage& image, const std::vector<AnnotatedBox>& boxes,
                           float zoom, float origin_x, float origin_y, float min_visible,
                           uint8_t fill) {
  check(zoom > 0, "scale_crop: zoom must be positive, got " + std::to_string(zoom));
  AugmentedSample out;
  out.transform = {zoom, -origin_x * zoom, zoom, -origin_y * zoom};
  const float w = static_cast<float>(image.width), h = static_cast<float>(image.height);
  const detect::Box valid = detect::clip(out.transform.apply(extent(image)), w, h);
  out.image = warp_image(image, out.transform, image.width, image.height, valid, fill);
  out.boxes = map_boxes(boxes, out.transform, w, h, min_visible);
  return out;
}

void color_jitter(RgbImage* image, const detect::Box& region, float brightness, float contrast,
                  float saturation) {
  const auto [x0, x1] = centre_range(region.x1, region.x2, image->width);
  const auto [y0, y1] = centre_range(region.y1, region.y2, image->height);
  if (x0 > x1 || y0 > y1) return;
  auto grey = [](const float* p) { return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]; };
  const size_t cols = static_cast<size_t>(x1 - x0 + 1);
  std::vector<float> v(cols * static_cast<size_t>(y1 - y0 + 1) * 3);
  for (int y = y0; y <= y1; ++y) {
    const uint8_t* s = image->pixels.data() + (static_cast<size_t>(y) * image->width + x0) * 3;
    float* d = v.data() + static_cast<size_t>(y - y0) * cols * 3;
    for (size_t k = 0; k < cols * 3; ++k) d[k] = s[k] * brightness;
  }
  if (contrast != 1.f) {
    double mean = 0;
    for (size_t p = 0; p < v.size(); p += 3) mean += grey(&v[p]);
    const float m = static_cast<float>(mean / static_cast<double>(v.size() / 3));
    for (float& x : v) x = (x - m) * contrast + m;
  }
  if (saturation != 1.f) {
    for (size_t p = 0; p < v.size(); p += 3) {
      const float g = grey(&v[p]);
      for (int c = 0; c < 3; ++c) v[p + c] = g + (v[p + c] - g) * saturation;
    }
  }
  for (int y = y0; y <= y1; ++y) {
    uint8_t* d = image->pixels.data() + (static_cast<size_t>(y) * image->width + x0) * 3;
    const float* s = v.data() + static_cast<size_t>(y - y0) * cols * 3;
    for (size_t k = 0; k < cols * 3; ++k) d[k] = to_byte(s[k]);
  }
}

AugmentedSample letterbox(const RgbImage& image, const std::vector<AnnotatedBox>& boxes, int size,
                          detect::Letterbox* letterbox_out, uint8_t fill) {
  const detect::Letterbox lb = detect::Letterbox::fit(image.width, image.height, size);
  if (letterbox_out) *letterbox_out = lb;
  return letterbox(image, boxes, lb, fill);
}

AugmentedSample letterbox(const RgbImage& image, const std::vector<AnnotatedBox>& boxes,
                          const detect::Letterbox& lb, uint8_t fill) {
  check(lb.src_width == image.width && lb.src_height == image.height,
        "letterbox: the geometry is for a " + std::to_string(lb.src_width) + "x" +
            std::to_string(lb.src_height) + " image, got " + std::to_string(image.width) + "x" +
            std::to_string(image.height));
  AugmentedSample out;
  out.transform = AxisTransform::from_letterbox(lb);
  out.image = warp_image(image, out.transform, lb.input_width, lb.input_height,
                         out.transform.apply(extent(image)), fill);
  out.boxes = map_boxes(boxes, out.transform, static_cast<float>(lb.input_width),
                        static_cast<float>(lb.input_height), 0.f);
  return out;
}

AugmentedSample augment_and_letterbox(const RgbImage& image, const std::vector<AnnotatedBox>& boxes,
                                      int size, const DetectionAugmentOptions& options, Rng& rng) {
  check(options.zoom_min > 0 && options.zoom_min <= options.zoom_max,
        "augment_and_letterbox: need 0 < zoom_min <= zoom_max, got " +
            std::to_string(options.zoom_min) + ", " + std::to_string(options.zoom_max));
  const float w = static_cast<float>(image.width), h = static_cast<float>(image.height);
  // The draws, always in this order, so one option never shifts the stream of another.
  const bool flip = rng.chance(0.5) && options.flip;
  const float zoom = static_cast<float>(rng.uniform(options.zoom_min, options.zoom_max));
  const float slack_x = w - w / zoom, slack_y = h - h / zoom;  // < 0 when zooming out
  const float origin_x =
      static_cast<float>(rng.uniform(std::min(0.f, slack_x), std::max(0.f, slack_x)));
  const float origin_y =
      static_cast<float>(rng.uniform(std::min(0.f, slack_y), std::max(0.f, slack_y)));
  auto factor = [&](float range) {
    return static_cast<float>(rng.uniform(1.0 - range, 1.0 + range));
  };
  const float brightness = factor(options.brightness), contrast = factor(options.contrast),
              saturation = factor(options.saturation);

  AxisTransform geometry;  // original pixels -> the augmented frame (the input's size, w x h)
  if (flip) geometry = {-1, w, 1, 0};
  geometry = geometry.then({zoom, -origin_x * zoom, zoom, -origin_y * zoom});
  const detect::Box frame_valid = detect::clip(geometry.apply(extent(image)), w, h);
  const std::vector<AnnotatedBox> frame_boxes =
      map_boxes(boxes, geometry, w, h, options.min_visible);

  const detect::Letterbox lb = detect::Letterbox::fit(image.width, image.height, size);
  const AxisTransform to_input = AxisTransform::from_letterbox(lb);
  AugmentedSample out;
  out.transform = geometry.then(to_input);
  const detect::Box valid = to_input.apply(frame_valid);
  out.image = warp_image(image, out.transform, size, size, valid, options.fill);
  color_jitter(&out.image, valid, brightness, contrast, saturation);
  for (const AnnotatedBox& b : frame_boxes)
    out.boxes.push_back({to_input.apply(b.box), b.label, b.difficult});
  return out;
}

}  // namespace cnn::data
