// A minimal RGB raster for the examples' PNG outputs (curves, confusion matrices, image grids,
// annotated photos): rectangles, lines, labelled boxes, pasted images and text. Text uses
// stb_easy_font's built-in segment font (public domain, part of Debian's libstb-dev), rasterised
// here as filled rectangles, so the figures need no font files and no graphics library.
#pragma once

#include <cstdint>
#include <string>

#include "cnn/data/image.h"

namespace example_common {

struct Colour {
  uint8_t r, g, b;
};

namespace colours {
inline constexpr Colour kWhite{255, 255, 255};
inline constexpr Colour kBlack{20, 20, 20};
inline constexpr Colour kGrey{150, 150, 150};
inline constexpr Colour kLightGrey{225, 225, 225};
inline constexpr Colour kBlue{31, 119, 180};
inline constexpr Colour kOrange{255, 127, 14};
inline constexpr Colour kGreen{44, 160, 44};
inline constexpr Colour kRed{214, 39, 40};
}  // namespace colours

class Canvas {
 public:
  Canvas(int width, int height, Colour background = colours::kWhite);
  // A canvas holding a copy of `image` (to draw on a photo).
  explicit Canvas(const cnn::data::RgbImage& image);
  int width() const { return image_.width; }
  int height() const { return image_.height; }

  // Pixels outside the canvas are clipped everywhere below.
  void set(int x, int y, Colour c);
  void fill_rect(int x0, int y0, int x1, int y1, Colour c);  // [x0,x1) x [y0,y1)
  void outline_rect(int x0, int y0, int x1, int y1, Colour c, int thickness = 1);
  void line(double x0, double y0, double x1, double y1, Colour c, int thickness = 1);
  // A box [x0,x1) x [y0,y1) outlined in `c` with `label` on a filled tab of the same colour
  // above its top-left corner (inside the box when there is no room above), in black or white,
  // whichever reads better on `c`. An empty label draws the outline only.
  void labelled_box(int x0, int y0, int x1, int y1, Colour c, const std::string& label,
                    int thickness = 2, int text_scale = 1);
  // Pastes a packed RGB image of w x h with its top-left at (x, y), nearest-neighbour scaled.
  void paste(const uint8_t* rgb, int w, int h, int x, int y, int scale = 1);
  // Text with its top-left at (x, y); scale multiplies stb_easy_font's ~7 px glyph height.
  void text(int x, int y, const std::string& s, Colour c, int scale = 1);
  static int text_width(const std::string& s, int scale = 1);
  static int text_height(int scale = 1) { return 7 * scale; }

  const cnn::data::RgbImage& image() const { return image_; }
  bool save_png(const std::string& path) const { return cnn::data::write_png(path, image_); }

 private:
  cnn::data::RgbImage image_;
};

}  // namespace example_common
