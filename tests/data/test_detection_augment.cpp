// Box-aware augmentation: boxes move exactly with the pixels (a filled rectangle stays bounded by
// its box through flips, zooms, crops and letterboxing), flipping twice is the identity, the
// letterbox's inverse maps boxes back, colour jitter does what its factors say, and the draws are
// a pure function of the seed.
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/data/detection_augment.h"
#include "cnn/data/rng.h"

using namespace cnn::data;
using cnn::detect::Box;

namespace {

RgbImage solid_image(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r, img.pixels[i + 1] = g, img.pixels[i + 2] = b;
  }
  return img;
}

const uint8_t* pixel(const RgbImage& img, int x, int y) {
  return img.pixels.data() + (static_cast<size_t>(y) * img.width + x) * 3;
}

// Every byte distinct enough that a misplaced pixel shows.
RgbImage numbered_image(int w, int h) {
  RgbImage img = solid_image(w, h, 0, 0, 0);
  for (size_t i = 0; i < img.pixels.size(); ++i)
    img.pixels[i] = static_cast<uint8_t>(i * 37 + i / 7);
  return img;
}

void check_same_box(const Box& a, const Box& b, float tol) {
  CHECK(a.x1 == Approx(b.x1).margin(tol));
  CHECK(a.y1 == Approx(b.y1).margin(tol));
  CHECK(a.x2 == Approx(b.x2).margin(tol));
  CHECK(a.y2 == Approx(b.y2).margin(tol));
}

const uint8_t kRect[3] = {230, 200, 40};

// A 64x48 dark background with a filled rectangle [18,30) x [11,27) in kRect.
RgbImage rectangle_scene(Box* rect) {
  RgbImage img = solid_image(64, 48, 20, 40, 90);
  *rect = {18, 11, 30, 27};
  for (int y = 11; y < 27; ++y) {
    for (int x = 18; x < 30; ++x) {
      uint8_t* p = img.pixels.data() + (static_cast<size_t>(y) * 64 + x) * 3;
      p[0] = kRect[0], p[1] = kRect[1], p[2] = kRect[2];
    }
  }
  return img;
}

bool is_rect_colour(const uint8_t* p, int tol) {
  for (int c = 0; c < 3; ++c) {
    if (std::abs(p[c] - kRect[c]) > tol) return false;
  }
  return true;
}

// How far (output pixels) the resampling filter of a map with this scale reaches across an edge:
// an output pixel whose centre is farther than this inside (outside) a box edge takes no source
// pixel from the other side. Tent radius r = max(1, 1/scale) source pixels around the centre's
// source position, source centres half a pixel from the edge: (r - 0.5) * scale.
float filter_reach(float scale) {
  return (std::max(1.f, 1.f / scale) - 0.5f) * scale;
}

// Checks that `box` bounds the rectangle's pixels in `img`: pixels whose centre is inside the box
// by more than `margin` are the rectangle's colour, pixels outside it by more than `margin` carry
// none of it.
void check_box_bounds_rectangle(const RgbImage& img, const Box& box, float margin) {
  int inside = 0, outside = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const float cx = x + 0.5f, cy = y + 0.5f;
      const bool deep_inside = cx > box.x1 + margin && cx < box.x2 - margin &&
                               cy > box.y1 + margin && cy < box.y2 - margin;
      const bool far_outside = cx < box.x1 - margin || cx > box.x2 + margin ||
                               cy < box.y1 - margin || cy > box.y2 + margin;
      const uint8_t* p = pixel(img, x, y);
      if (deep_inside) {
        ++inside;
        INFO("pixel " << x << "," << y << " inside " << cnn::detect::box_str(box));
        REQUIRE(is_rect_colour(p, 1));
      } else if (far_outside) {
        ++outside;
        // Background (20,40,90) or fill (114): at least 90 away from the rectangle in red.
        INFO("pixel " << x << "," << y << " outside " << cnn::detect::box_str(box));
        REQUIRE(std::abs(p[0] - kRect[0]) > 90);
      }
    }
  }
  CHECK(inside > 0);
  CHECK(outside > 0);
}

// Where the red channel crosses halfway between background (20) and rectangle (230) along the
// row y (vertical = false) or column x, scanning from `from` towards `to` (pixel indices): the
// sub-pixel position of a resampled edge. A tent filter is symmetric, so the edge of the
// rectangle lands where its coverage is 1/2.
float half_crossing(const RgbImage& img, int line, bool vertical, int from, int to) {
  const int step = to > from ? 1 : -1;
  auto f = [&](int i) {
    const uint8_t* p = vertical ? pixel(img, line, i) : pixel(img, i, line);
    return (p[0] - 20.f) / (kRect[0] - 20.f);
  };
  for (int i = from; i != to; i += step) {
    const float a = f(i), b = f(i + step);
    if (a < 0.5f && b >= 0.5f) return i + 0.5f + step * (0.5f - a) / (b - a);
  }
  return -1e9f;
}

// The box's edges that were not cut by the crop (those of the mapped, unclipped rectangle) are
// where the pixels' edges are, to a third of a pixel.
void check_edges_match(const RgbImage& img, const Box& box, const Box& unclipped) {
  const int mid_y = static_cast<int>(box.center_y()), mid_x = static_cast<int>(box.center_x());
  const int w = img.width, h = img.height;
  if (std::abs(box.x1 - unclipped.x1) < 1e-3f && box.x1 > 2) {
    CHECK(half_crossing(img, mid_y, false, std::max(0, static_cast<int>(box.x1) - 4), mid_x) ==
          Approx(box.x1).margin(0.34));
  }
  if (std::abs(box.x2 - unclipped.x2) < 1e-3f && box.x2 < w - 2) {
    CHECK(half_crossing(img, mid_y, false, std::min(w - 1, static_cast<int>(box.x2) + 4), mid_x) ==
          Approx(box.x2).margin(0.34));
  }
  if (std::abs(box.y1 - unclipped.y1) < 1e-3f && box.y1 > 2) {
    CHECK(half_crossing(img, mid_x, true, std::max(0, static_cast<int>(box.y1) - 4), mid_y) ==
          Approx(box.y1).margin(0.34));
  }
  if (std::abs(box.y2 - unclipped.y2) < 1e-3f && box.y2 < h - 2) {
    CHECK(half_crossing(img, mid_x, true, std::min(h - 1, static_cast<int>(box.y2) + 4), mid_y) ==
          Approx(box.y2).margin(0.34));
  }
}

}  // namespace

TEST_CASE("flipping twice is the identity; one flip mirrors pixels and boxes",
          "[data][augment_det]") {
  const RgbImage img = numbered_image(23, 17);
  const std::vector<AnnotatedBox> boxes = {{{1, 2, 9.5f, 11}, 1, false},
                                           {{15, 0, 23, 17}, 0, true}};
  const AugmentedSample once = flip_horizontal(img, boxes);
  for (int y = 0; y < 17; ++y) {
    for (int x = 0; x < 23; ++x) {
      for (int c = 0; c < 3; ++c) REQUIRE(pixel(once.image, x, y)[c] == pixel(img, 22 - x, y)[c]);
    }
  }
  REQUIRE(once.boxes.size() == 2);
  check_same_box(once.boxes[0].box, {13.5f, 2, 22, 11}, 0);
  check_same_box(once.boxes[1].box, {0, 0, 8, 17}, 0);
  CHECK(once.boxes[1].label == 0);
  CHECK(once.boxes[1].difficult);

  const AugmentedSample twice = flip_horizontal(once.image, once.boxes);
  CHECK(twice.image.pixels == img.pixels);
  REQUIRE(twice.boxes.size() == 2);
  for (size_t i = 0; i < 2; ++i) check_same_box(twice.boxes[i].box, boxes[i].box, 0);
  // The composed transform of two flips is the identity map.
  const AxisTransform id = once.transform.then(twice.transform);
  CHECK(id.scale_x == 1);
  CHECK(id.offset_x == 0);
}

TEST_CASE(
    "an integer zoom-free crop is an exact shift; boxes are clipped and dropped by visibility",
    "[data][augment_det]") {
  const RgbImage img = numbered_image(30, 20);
  const std::vector<AnnotatedBox> boxes = {{{10, 4, 30, 14}, 0, false}};
  // Origin (15, 2): the window shows source columns 15..44 (15..29 exist) and rows 2..21.
  const AugmentedSample kept = scale_crop(img, boxes, 1.f, 15, 2, 0.4f, 114);
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 30; ++x) {
      const bool in_image = x + 15 < 30 && y + 2 < 20;
      for (int c = 0; c < 3; ++c) {
        REQUIRE(pixel(kept.image, x, y)[c] == (in_image ? pixel(img, x + 15, y + 2)[c] : 114));
      }
    }
  }
  // The box [10,30) shifted to [-5,15), clipped to [0,15): 75% visible, kept.
  REQUIRE(kept.boxes.size() == 1);
  check_same_box(kept.boxes[0].box, {0, 2, 15, 12}, 0);
  const AugmentedSample dropped = scale_crop(img, boxes, 1.f, 15, 2, 0.8f, 114);
  CHECK(dropped.boxes.empty());
}

TEST_CASE("boxes transform exactly with the pixels through random augmentation",
          "[data][augment_det]") {
  Box rect;
  const RgbImage img = rectangle_scene(&rect);
  DetectionAugmentOptions o;
  o.zoom_min = 0.6f;
  o.zoom_max = 1.8f;
  o.min_visible = 0.3f;
  o.brightness = o.contrast = o.saturation = 0;  // geometry only: colours stay comparable
  const int size = 80;
  int kept = 0, flipped = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    Rng rng(seed);
    const AugmentedSample a = augment_and_letterbox(img, {{rect, 1, false}}, size, o, rng);
    REQUIRE(a.image.width == size);
    REQUIRE(a.image.height == size);
    flipped += a.transform.scale_x < 0;
    if (a.boxes.empty()) continue;
    ++kept;
    REQUIRE(a.boxes.size() == 1);
    CHECK(a.boxes[0].label == 1);
    const float scale = std::abs(a.transform.scale_x);
    INFO("seed " << seed << " scale " << scale);
    check_box_bounds_rectangle(a.image, a.boxes[0].box, filter_reach(scale) + 0.01f);
    check_edges_match(a.image, a.boxes[0].box, a.transform.apply(rect));
    // Mapping the box back gives the part of the rectangle that stayed in view.
    const Box back = a.transform.inverse().apply(a.boxes[0].box);
    CHECK(back.x1 >= rect.x1 - 1e-3f);
    CHECK(back.x2 <= rect.x2 + 1e-3f);
    CHECK(back.y1 >= rect.y1 - 1e-3f);
    CHECK(back.y2 <= rect.y2 + 1e-3f);
  }
  CHECK(kept >= 20);
  CHECK(flipped > 5);
  CHECK(flipped < 35);
}

TEST_CASE("letterbox keeps the aspect ratio and its inverse maps boxes back",
          "[data][augment_det]") {
  Box rect;
  const RgbImage img = rectangle_scene(&rect);
  cnn::detect::Letterbox lb;
  const AugmentedSample a = letterbox(img, {{rect, 0, false}}, 80, &lb, 114);
  CHECK(lb.resized_width == 80);
  CHECK(lb.resized_height == 60);
  CHECK(lb.pad_y == 10);
  // Padding rows are the fill colour; the rest is the image.
  for (int x = 0; x < 80; ++x) {
    CHECK(pixel(a.image, x, 0)[0] == 114);
    CHECK(pixel(a.image, x, 9)[0] == 114);
    CHECK(pixel(a.image, x, 10)[0] != 114);
    CHECK(pixel(a.image, x, 69)[0] != 114);
    CHECK(pixel(a.image, x, 70)[0] == 114);
  }
  REQUIRE(a.boxes.size() == 1);
  check_same_box(a.boxes[0].box, {22.5f, 23.75f, 37.5f, 43.75f}, 1e-4f);
  check_box_bounds_rectangle(a.image, a.boxes[0].box, filter_reach(1.25f) + 0.01f);
  check_edges_match(a.image, a.boxes[0].box, a.boxes[0].box);
  check_same_box(a.transform.inverse().apply(a.boxes[0].box), rect, 1e-4f);
  check_same_box(lb.to_image(a.boxes[0].box), rect, 1e-4f);

  // An odd size: the inverse still lands on the original box.
  const RgbImage odd = numbered_image(37, 23);
  const Box b{3.25f, 1, 30, 22.5f};
  const AugmentedSample o = letterbox(odd, {{b, 2, false}}, 64, &lb, 0);
  REQUIRE(o.boxes.size() == 1);
  check_same_box(o.transform.inverse().apply(o.boxes[0].box), b, 1e-3f);
  check_same_box(lb.to_image(o.boxes[0].box), b, 1e-3f);
}

TEST_CASE("rectangular letterbox: the square's pixels without most of its padding",
          "[data][augment_det]") {
  Box rect;
  const RgbImage img = rectangle_scene(&rect);  // 4:3, 80x60 at size 80
  cnn::detect::Letterbox square_lb;
  const AugmentedSample square = letterbox(img, {{rect, 0, false}}, 80, &square_lb, 114);
  const cnn::detect::Letterbox lb =
      cnn::detect::Letterbox::fit_rectangle(img.width, img.height, 80, 16);
  const AugmentedSample r = letterbox(img, {{rect, 0, false}}, lb, 114);
  REQUIRE(r.image.width == 80);
  REQUIRE(r.image.height == 64);  // 60 rows of image, 2 of padding above and below
  REQUIRE(lb.pad_y == 2);
  // Same scale, a whole-pixel shift (10 - 2 rows): every pixel is the square's, 8 rows up.
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 80; ++x) {
      for (int c = 0; c < 3; ++c)
        REQUIRE(pixel(r.image, x, y)[c] == pixel(square.image, x, y + 8)[c]);
    }
  }
  REQUIRE(r.boxes.size() == 1);
  check_same_box(r.boxes[0].box, {22.5f, 15.75f, 37.5f, 35.75f}, 1e-4f);
  check_same_box(r.transform.inverse().apply(r.boxes[0].box), rect, 1e-4f);
  // A geometry for another image size is refused.
  REQUIRE_THROWS_WITH(letterbox(img, {}, cnn::detect::Letterbox::fit_rectangle(81, 60, 80, 16)),
                      Catch::Contains("geometry is for a 81x60 image"));
}

TEST_CASE("shrinking averages (no aliasing); enlarging interpolates", "[data][augment_det]") {
  RgbImage checker = solid_image(16, 16, 0, 0, 0);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      if ((x + y) % 2) {
        uint8_t* p = checker.pixels.data() + (static_cast<size_t>(y) * 16 + x) * 3;
        p[0] = p[1] = p[2] = 255;
      }
    }
  }
  const RgbImage half = warp_image(checker, {0.5f, 0, 0.5f, 0}, 8, 8, {0, 0, 8, 8}, 0);
  // (The border pixels' filters reach past the edge, which repeats the edge pixel.)
  for (int y = 1; y < 7; ++y) {
    for (int x = 1; x < 7; ++x) CHECK(std::abs(pixel(half, x, y)[0] - 128) <= 1);
  }

  // A ramp enlarged 4x stays a ramp: interior pixels are the linear interpolation.
  RgbImage ramp = solid_image(4, 1, 0, 0, 0);
  for (int x = 0; x < 4; ++x) ramp.pixels[3 * x] = static_cast<uint8_t>(40 * x);
  const RgbImage big = warp_image(ramp, {4, 0, 4, 0}, 16, 4, {0, 0, 16, 4}, 0);
  for (int x = 2; x < 14; ++x) {
    const double source = (x + 0.5) / 4 - 0.5;  // continuous source index of the centre
    CHECK(pixel(big, x, 1)[0] == std::lround(40 * source));
  }
}

TEST_CASE("colour jitter factors act inside the region only", "[data][augment_det]") {
  RgbImage img = numbered_image(12, 10);
  const RgbImage original = img;
  const Box region{2, 3, 10, 8};
  color_jitter(&img, region, 1, 1, 1);
  CHECK(img.pixels == original.pixels);

  color_jitter(&img, region, 0.5f, 1, 1);
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 12; ++x) {
      const bool in = x >= 2 && x < 10 && y >= 3 && y < 8;
      for (int c = 0; c < 3; ++c) {
        const int v = pixel(original, x, y)[c];
        REQUIRE(pixel(img, x, y)[c] == (in ? std::lround(v * 0.5) : v));
      }
    }
  }
  img = original;
  color_jitter(&img, region, 1, 1, 0);  // saturation 0: grey
  const uint8_t* p = pixel(img, 4, 4);
  CHECK(std::abs(p[0] - p[1]) <= 1);
  CHECK(std::abs(p[1] - p[2]) <= 1);
  const uint8_t* q = pixel(original, 4, 4);
  CHECK(std::abs(p[0] - (0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2])) <= 1);
  img = original;
  color_jitter(&img, region, 1, 0, 1);  // contrast 0: every pixel the region's mean grey
  const uint8_t* first = pixel(img, 2, 3);
  for (int y = 3; y < 8; ++y) {
    for (int x = 2; x < 10; ++x) CHECK(pixel(img, x, y)[1] == first[1]);
  }
}

TEST_CASE("augmentation is a pure function of the seed", "[data][augment_det]") {
  Box rect;
  const RgbImage img = rectangle_scene(&rect);
  const DetectionAugmentOptions o;
  Rng a1(7), a2(7), b(8);
  const AugmentedSample x = augment_and_letterbox(img, {{rect, 0, false}}, 48, o, a1);
  const AugmentedSample y = augment_and_letterbox(img, {{rect, 0, false}}, 48, o, a2);
  const AugmentedSample z = augment_and_letterbox(img, {{rect, 0, false}}, 48, o, b);
  CHECK(x.image.pixels == y.image.pixels);
  REQUIRE(x.boxes.size() == y.boxes.size());
  for (size_t i = 0; i < x.boxes.size(); ++i) check_same_box(x.boxes[i].box, y.boxes[i].box, 0);
  CHECK(x.image.pixels != z.image.pixels);
  DetectionAugmentOptions bad;
  bad.zoom_min = 2;
  bad.zoom_max = 1;
  Rng r(1);
  CHECK_THROWS_WITH(augment_and_letterbox(img, {}, 48, bad, r), Catch::Contains("zoom_min"));
}
