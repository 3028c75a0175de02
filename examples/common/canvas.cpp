// RGB raster drawing (see canvas.h).
#include "common/canvas.h"

#include <algorithm>
#include <cmath>
#include <vector>

// stb_easy_font is header-only with static functions; its unused ones would warn.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

namespace example_common {

Canvas::Canvas(int width, int height, Colour background) {
  image_.width = width;
  image_.height = height;
  image_.pixels.resize(static_cast<size_t>(width) * height * 3);
  fill_rect(0, 0, width, height, background);
}

Canvas::Canvas(const cnn::data::RgbImage& image) : image_(image) {}

void Canvas::set(int x, int y, Colour c) {
  if (x < 0 || y < 0 || x >= image_.width || y >= image_.height) return;
  uint8_t* p = &image_.pixels[(static_cast<size_t>(y) * image_.width + x) * 3];
  p[0] = c.r, p[1] = c.g, p[2] = c.b;
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, Colour c) {
  x0 = std::max(x0, 0), y0 = std::max(y0, 0);
  x1 = std::min(x1, image_.width), y1 = std::min(y1, image_.height);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) set(x, y, c);
  }
}

void Canvas::outline_rect(int x0, int y0, int x1, int y1, Colour c, int thickness) {
  fill_rect(x0, y0, x1, y0 + thickness, c);
  fill_rect(x0, y1 - thickness, x1, y1, c);
  fill_rect(x0, y0, x0 + thickness, y1, c);
  fill_rect(x1 - thickness, y0, x1, y1, c);
}

void Canvas::labelled_box(int x0, int y0, int x1, int y1, Colour c, const std::string& label,
                          int thickness, int text_scale) {
  outline_rect(x0, y0, x1, y1, c, thickness);
  if (label.empty()) return;
  const int pad = 2 * text_scale;
  const int tab_w = text_width(label, text_scale) + 2 * pad;
  const int tab_h = text_height(text_scale) + 2 * pad;
  // Above the box when it fits on the canvas, else inside its top edge.
  const int tab_y = y0 - tab_h >= 0 ? y0 - tab_h : y0;
  fill_rect(x0, tab_y, x0 + tab_w, tab_y + tab_h, c);
  // Rec. 601 luma: dark ink on light colours, white on dark ones.
  const double luma = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
  text(x0 + pad, tab_y + pad, label, luma > 140 ? colours::kBlack : colours::kWhite, text_scale);
}

void Canvas::line(double x0, double y0, double x1, double y1, Colour c, int thickness) {
  // Sample along the segment at sub-pixel steps; thick lines are stamped squares.
  const double len = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(std::ceil(len * 2)));
  const int lo = -(thickness - 1) / 2, hi = thickness / 2;
  for (int i = 0; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0)));
    const int y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
    for (int dy = lo; dy <= hi; ++dy) {
      for (int dx = lo; dx <= hi; ++dx) set(x + dx, y + dy, c);
    }
  }
}

void Canvas::paste(const uint8_t* rgb, int w, int h, int x, int y, int scale) {
  for (int sy = 0; sy < h * scale; ++sy) {
    for (int sx = 0; sx < w * scale; ++sx) {
      const uint8_t* p = rgb + (static_cast<size_t>(sy / scale) * w + sx / scale) * 3;
      set(x + sx, y + sy, Colour{p[0], p[1], p[2]});
    }
  }
}

void Canvas::text(int x, int y, const std::string& s, Colour c, int scale) {
  // stb_easy_font emits axis-aligned quads: 4 vertices of (x, y, z float; rgba bytes).
  struct Vertex {
    float x, y, z;
    unsigned char rgba[4];
  };
  std::vector<Vertex> quads(s.size() * 70 + 16);
  std::string copy = s;  // stb takes char*
  unsigned char rgba[4] = {c.r, c.g, c.b, 255};
  const int n = stb_easy_font_print(0, 0, copy.data(), rgba, quads.data(),
                                    static_cast<int>(quads.size() * sizeof(Vertex)));
  for (int q = 0; q < n; ++q) {
    const Vertex* v = &quads[static_cast<size_t>(q) * 4];
    const int qx0 = static_cast<int>(std::lround(v[0].x)),
              qy0 = static_cast<int>(std::lround(v[0].y));
    const int qx1 = static_cast<int>(std::lround(v[2].x)),
              qy1 = static_cast<int>(std::lround(v[2].y));
    fill_rect(x + std::min(qx0, qx1) * scale, y + std::min(qy0, qy1) * scale,
              x + std::max(qx0, qx1) * scale, y + std::max(qy0, qy1) * scale, c);
  }
}

int Canvas::text_width(const std::string& s, int scale) {
  std::string copy = s;
  return stb_easy_font_width(copy.data()) * scale;
}

}  // namespace example_common
