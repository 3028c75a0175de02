// Box geometry and the letterbox transform (see boxes.h for the conventions).
#include "cnn/detect/boxes.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cnn/error.h"

namespace cnn::detect {

Box box_from_cxcywh(const BoxCxCyWh& b) {
  return Box{b.cx - 0.5f * b.w, b.cy - 0.5f * b.h, b.cx + 0.5f * b.w, b.cy + 0.5f * b.h};
}

BoxCxCyWh box_to_cxcywh(const Box& b) {
  return BoxCxCyWh{b.center_x(), b.center_y(), b.width(), b.height()};
}

float area(const Box& b) {
  return std::max(0.f, b.width()) * std::max(0.f, b.height());
}

namespace {

float intersection(const Box& a, const Box& b) {
  const float w = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const float h = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  return (w > 0 && h > 0) ? w * h : 0.f;
}

}  // namespace

float iou(const Box& a, const Box& b) {
  const float inter = intersection(a, b);
  if (inter <= 0) return 0.f;
  const float uni = area(a) + area(b) - inter;
  return uni > 0 ? inter / uni : 0.f;
}

float giou(const Box& a, const Box& b) {
  const float inter = intersection(a, b);
  const float uni = area(a) + area(b) - inter;
  const Box hull{std::min(a.x1, b.x1), std::min(a.y1, b.y1), std::max(a.x2, b.x2),
                 std::max(a.y2, b.y2)};
  const float hull_area = area(hull);
  if (hull_area <= 0) return 0.f;
  const float iou_value = uni > 0 ? inter / uni : 0.f;
  return iou_value - (hull_area - uni) / hull_area;
}

Box clip(const Box& b, float width, float height) {
  return Box{std::clamp(b.x1, 0.f, width), std::clamp(b.y1, 0.f, height),
             std::clamp(b.x2, 0.f, width), std::clamp(b.y2, 0.f, height)};
}

std::string box_str(const Box& b) {
  std::ostringstream os;
  os << "[" << b.x1 << "," << b.y1 << "," << b.x2 << "," << b.y2 << "]";
  return os.str();
}

Letterbox Letterbox::fit(int src_width, int src_height, int size, LetterboxAlign align) {
  if (src_width <= 0 || src_height <= 0 || size <= 0) {
    throw Error("Letterbox::fit: image " + std::to_string(src_width) + "x" +
                std::to_string(src_height) + " into " + std::to_string(size) +
                " needs positive sizes");
  }
  Letterbox lb;
  lb.src_width = src_width;
  lb.src_height = src_height;
  lb.size = size;
  const double scale = std::min(double(size) / src_width, double(size) / src_height);
  // The longer side fills the input exactly; the shorter one is rounded to whole pixels.
  lb.resized_width = std::clamp(int(std::lround(src_width * scale)), 1, size);
  lb.resized_height = std::clamp(int(std::lround(src_height * scale)), 1, size);
  if (align == LetterboxAlign::center) {
    lb.pad_x = (size - lb.resized_width) / 2;
    lb.pad_y = (size - lb.resized_height) / 2;
  }
  lb.scale_x = float(double(lb.resized_width) / src_width);
  lb.scale_y = float(double(lb.resized_height) / src_height);
  lb.input_width = lb.input_height = size;
  return lb;
}

Letterbox Letterbox::fit_rectangle(int src_width, int src_height, int size, int multiple) {
  if (multiple <= 0 || size <= 0 || size % multiple != 0) {
    throw Error("Letterbox::fit_rectangle: size " + std::to_string(size) +
                " must be a positive multiple of " + std::to_string(multiple));
  }
  Letterbox lb = fit(src_width, src_height, size, LetterboxAlign::top_left);
  auto round_up = [&](int v) { return (v + multiple - 1) / multiple * multiple; };
  lb.input_width = round_up(lb.resized_width);
  lb.input_height = round_up(lb.resized_height);
  lb.pad_x = (lb.input_width - lb.resized_width) / 2;
  lb.pad_y = (lb.input_height - lb.resized_height) / 2;
  return lb;
}

Box Letterbox::to_input(const Box& b) const {
  return Box{b.x1 * scale_x + pad_x, b.y1 * scale_y + pad_y, b.x2 * scale_x + pad_x,
             b.y2 * scale_y + pad_y};
}

Box Letterbox::to_image(const Box& b) const {
  return Box{(b.x1 - pad_x) / scale_x, (b.y1 - pad_y) / scale_y, (b.x2 - pad_x) / scale_x,
             (b.y2 - pad_y) / scale_y};
}

}  // namespace cnn::detect
