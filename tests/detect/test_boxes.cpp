// Box geometry and the letterbox transform against hand-computed values and round trips.
#include <catch2/catch.hpp>

#include <random>

#include "cnn/detect/boxes.h"
#include "cnn/error.h"

using namespace cnn::detect;

namespace {

void require_box_near(const Box& a, const Box& b, float tol) {
  INFO(box_str(a) << " vs " << box_str(b));
  REQUIRE(std::abs(a.x1 - b.x1) <= tol);
  REQUIRE(std::abs(a.y1 - b.y1) <= tol);
  REQUIRE(std::abs(a.x2 - b.x2) <= tol);
  REQUIRE(std::abs(a.y2 - b.y2) <= tol);
}

}  // namespace

TEST_CASE("cxcywh conversions are exact inverses on representable values", "[boxes]") {
  const Box b{2, 4, 12, 10};
  const BoxCxCyWh c = box_to_cxcywh(b);
  REQUIRE(c.cx == 7.f);
  REQUIRE(c.cy == 7.f);
  REQUIRE(c.w == 10.f);
  REQUIRE(c.h == 6.f);
  const Box back = box_from_cxcywh(c);
  REQUIRE(back.x1 == b.x1);
  REQUIRE(back.y1 == b.y1);
  REQUIRE(back.x2 == b.x2);
  REQUIRE(back.y2 == b.y2);

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pos(-50, 50), len(0.5f, 40);
  for (int i = 0; i < 100; ++i) {
    const Box r{pos(rng), pos(rng), 0, 0};
    const Box box{r.x1, r.y1, r.x1 + len(rng), r.y1 + len(rng)};
    require_box_near(box_from_cxcywh(box_to_cxcywh(box)), box, 1e-4f);
  }
}

TEST_CASE("area, IoU and GIoU match hand-computed values", "[boxes]") {
  const Box a{0, 0, 10, 10};
  REQUIRE(area(a) == 100.f);
  REQUIRE(area(Box{5, 5, 3, 8}) == 0.f);  // inverted: empty, not negative

  REQUIRE(iou(a, a) == 1.f);
  REQUIRE(iou(a, Box{5, 0, 15, 10}) == Approx(50.0 / 150.0).epsilon(1e-6));
  REQUIRE(iou(a, Box{2, 2, 4, 4}) == Approx(4.0 / 100.0).epsilon(1e-6));
  REQUIRE(iou(a, Box{0, 0, 10, 5}) == 0.5f);
  REQUIRE(iou(a, Box{10, 0, 20, 10}) == 0.f);  // touching edges share no area
  REQUIRE(iou(a, Box{30, 30, 40, 40}) == 0.f);
  REQUIRE(iou(a, Box{3, 3, 3, 3}) == 0.f);                // empty box
  REQUIRE(iou(Box{1, 1, 1, 1}, Box{1, 1, 1, 1}) == 0.f);  // no NaN for two empty boxes

  REQUIRE(giou(a, a) == 1.f);
  // Disjoint: IoU 0, hull [0,0,3,1] of area 3, union 2 -> -1/3.
  REQUIRE(giou(Box{0, 0, 1, 1}, Box{2, 0, 3, 1}) == Approx(-1.0 / 3.0).epsilon(1e-6));
  // Overlapping: intersection 1, union 7, hull 9 -> 1/7 - 2/9.
  REQUIRE(giou(Box{0, 0, 2, 2}, Box{1, 1, 3, 3}) == Approx(1.0 / 7.0 - 2.0 / 9.0).epsilon(1e-6));
  // Far apart boxes approach -1.
  REQUIRE(giou(Box{0, 0, 1, 1}, Box{99, 99, 100, 100}) < -0.99f);
  // GIoU <= IoU always, with equality when one box contains the other.
  REQUIRE(giou(a, Box{2, 2, 4, 4}) == Approx(iou(a, Box{2, 2, 4, 4})).epsilon(1e-6));
}

TEST_CASE("clip keeps boxes inside the image", "[boxes]") {
  const Box c = clip(Box{-5, 3, 120, 90}, 100, 80);
  REQUIRE(c.x1 == 0.f);
  REQUIRE(c.y1 == 3.f);
  REQUIRE(c.x2 == 100.f);
  REQUIRE(c.y2 == 80.f);
  const Box outside = clip(Box{110, 10, 130, 20}, 100, 80);
  REQUIRE(area(outside) == 0.f);
}

TEST_CASE("letterbox scale and padding for landscape, portrait and odd sizes", "[boxes]") {
  const Letterbox lb = Letterbox::fit(640, 480, 416);
  REQUIRE(lb.resized_width == 416);
  REQUIRE(lb.resized_height == 312);
  REQUIRE(lb.pad_x == 0);
  REQUIRE(lb.pad_y == 52);
  REQUIRE(lb.scale_x == Approx(0.65).epsilon(1e-6));
  REQUIRE(lb.scale_y == Approx(0.65).epsilon(1e-6));
  require_box_near(lb.to_input(Box{0, 0, 640, 480}), Box{0, 52, 416, 364}, 1e-4f);
  require_box_near(lb.to_input(Box{100, 200, 300, 400}), Box{65, 182, 195, 312}, 1e-3f);

  const Letterbox portrait = Letterbox::fit(300, 600, 100);
  REQUIRE(portrait.resized_width == 50);
  REQUIRE(portrait.resized_height == 100);
  REQUIRE(portrait.pad_x == 25);
  REQUIRE(portrait.pad_y == 0);

  // 100x51 into 10: height 5.1 rounds to 5, so scale_y = 5/51, and the odd padding pixel goes to
  // the bottom (pad_y = 2 of 5).
  const Letterbox odd = Letterbox::fit(100, 51, 10);
  REQUIRE(odd.resized_height == 5);
  REQUIRE(odd.pad_y == 2);
  REQUIRE(odd.scale_y == Approx(5.0 / 51.0).epsilon(1e-6));
  require_box_near(odd.to_input(Box{0, 0, 100, 51}), Box{0, 2, 10, 7}, 1e-5f);

  const Letterbox top_left = Letterbox::fit(640, 480, 416, LetterboxAlign::top_left);
  REQUIRE(top_left.pad_x == 0);
  REQUIRE(top_left.pad_y == 0);
  require_box_near(top_left.to_input(Box{0, 0, 640, 480}), Box{0, 0, 416, 312}, 1e-4f);

  REQUIRE_THROWS_AS(Letterbox::fit(0, 10, 416), cnn::Error);
  REQUIRE_THROWS_AS(Letterbox::fit(10, 10, 0), cnn::Error);
  REQUIRE(lb.input_width == 416);
  REQUIRE(lb.input_height == 416);
}

TEST_CASE("rectangular letterbox: same scale, padded only to whole tiles", "[boxes]") {
  const Letterbox lb = Letterbox::fit_rectangle(640, 480, 416, 32);
  REQUIRE(lb.resized_width == 416);
  REQUIRE(lb.resized_height == 312);
  REQUIRE(lb.input_width == 416);
  REQUIRE(lb.input_height == 320);  // 312 rounded up to 10 tiles of 32
  REQUIRE(lb.pad_x == 0);
  REQUIRE(lb.pad_y == 4);
  REQUIRE(lb.scale_y == Letterbox::fit(640, 480, 416).scale_y);
  require_box_near(lb.to_input(Box{0, 0, 640, 480}), Box{0, 4, 416, 316}, 1e-4f);
  require_box_near(lb.to_image(lb.to_input(Box{10, 20, 30, 40})), Box{10, 20, 30, 40}, 1e-4f);

  const Letterbox portrait = Letterbox::fit_rectangle(300, 600, 96, 32);
  REQUIRE(portrait.resized_width == 48);
  REQUIRE(portrait.input_width == 64);
  REQUIRE(portrait.input_height == 96);
  REQUIRE(portrait.pad_x == 8);
  REQUIRE(portrait.pad_y == 0);
  // Already whole tiles: no padding at all.
  const Letterbox exact = Letterbox::fit_rectangle(512, 384, 512, 32);
  REQUIRE(exact.input_height == 384);
  REQUIRE(exact.pad_y == 0);

  REQUIRE_THROWS_WITH(Letterbox::fit_rectangle(640, 480, 400, 32),
                      Catch::Contains("multiple of 32"));
  REQUIRE_THROWS_AS(Letterbox::fit_rectangle(640, 480, 416, 0), cnn::Error);
}

TEST_CASE("letterbox to_image inverts to_input", "[boxes]") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> side(1, 2000);
  std::uniform_real_distribution<float> unit(0, 1);
  for (int i = 0; i < 200; ++i) {
    const int w = side(rng), h = side(rng);
    const auto align = (i % 2) ? LetterboxAlign::center : LetterboxAlign::top_left;
    const Letterbox lb = Letterbox::fit(w, h, 320, align);
    REQUIRE(lb.resized_width <= 320);
    REQUIRE(lb.resized_height <= 320);
    REQUIRE((lb.resized_width == 320 || lb.resized_height == 320));
    const float x1 = unit(rng) * w, y1 = unit(rng) * h;
    const Box b{x1, y1, x1 + unit(rng) * (w - x1), y1 + unit(rng) * (h - y1)};
    // Float rounding of a few operations on coordinates up to 2000 px: a few ulps of the size.
    require_box_near(lb.to_image(lb.to_input(b)), b, 1e-5f * float(std::max(w, h)) + 1e-4f);
    // A box covering the whole image covers exactly the resized area of the input.
    require_box_near(lb.to_input(Box{0, 0, float(w), float(h)}),
                     Box{float(lb.pad_x), float(lb.pad_y), float(lb.pad_x + lb.resized_width),
                         float(lb.pad_y + lb.resized_height)},
                     1e-3f);
  }
}
