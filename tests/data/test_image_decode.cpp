// cnn/data/image: every supported format and channel layout decodes to the expected pixels, and
// every kind of bad file becomes a skip reason instead of an image.
//
// The fixtures (tests/data/fixtures, written by make_fixtures.py with Pillow) all hold the same
// 16x16 pattern of four flat quadrants; the expected colours are recomputed here from the
// definition in make_fixtures.py, not read back from any decoder.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cnn/data/image.h"

using cnn::data::decode_image;
using cnn::data::decode_image_file;
using cnn::data::RgbImage;

namespace {

const std::string kFixtures = CNN_TEST_FIXTURES;

using Rgb = std::array<int, 3>;
const Rgb kQuadrantRgb[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {200, 200, 200}};
const int kQuadrantAlpha[4] = {255, 0, 128, 255};
const int kQuadrantGrey[4] = {30, 90, 160, 220};

int quadrant(int x, int y) {
  return (x >= 8 ? 1 : 0) + (y >= 8 ? 2 : 0);
}

// Alpha composited over white, rounded like the decoder documents.
int over_white(int v, int a) {
  return (v * a + 255 * (255 - a) + 127) / 255;
}

enum class Layout { Rgb, RgbAlpha, Grey, GreyAlpha };

Rgb expected(Layout layout, int x, int y) {
  const int q = quadrant(x, y);
  switch (layout) {
    case Layout::Rgb:
      return kQuadrantRgb[q];
    case Layout::RgbAlpha: {
      const Rgb c = kQuadrantRgb[q];
      const int a = kQuadrantAlpha[q];
      return {over_white(c[0], a), over_white(c[1], a), over_white(c[2], a)};
    }
    case Layout::Grey:
      return {kQuadrantGrey[q], kQuadrantGrey[q], kQuadrantGrey[q]};
    case Layout::GreyAlpha: {
      const int g = over_white(kQuadrantGrey[q], kQuadrantAlpha[q]);
      return {g, g, g};
    }
  }
  return {};
}

// Largest absolute channel difference over the image; checks size first.
int max_error(const RgbImage& img, Layout layout) {
  REQUIRE(img.width == 16);
  REQUIRE(img.height == 16);
  REQUIRE(img.pixels.size() == 16 * 16 * 3);
  int worst = 0;
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      const Rgb e = expected(layout, x, y);
      for (int c = 0; c < 3; ++c) {
        worst = std::max(worst, std::abs(img.pixels[(y * 16 + x) * 3 + c] - e[c]));
      }
    }
  }
  return worst;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("lossless formats decode to the exact pattern", "[data][decode]") {
  struct Case {
    const char* file;
    Layout layout;
  };
  const Case cases[] = {
      {"rgb.png", Layout::Rgb},
      {"rgba.png", Layout::RgbAlpha},
      {"grey.png", Layout::Grey},
      {"grey_alpha.png", Layout::GreyAlpha},
      {"grey16.png", Layout::Grey},
      {"palette.png", Layout::Rgb},
      {"palette_alpha.png", Layout::RgbAlpha},
      {"rgb.bmp", Layout::Rgb},
      {"rgb.tga", Layout::Rgb},
      {"rgba.tga", Layout::RgbAlpha},
      {"rgb.gif", Layout::Rgb},
      {"rgb.ppm", Layout::Rgb},
      {"grey.pgm", Layout::Grey},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    const auto r = decode_image_file(kFixtures + "/" + c.file);
    REQUIRE(r.ok());
    CHECK(max_error(r.image, c.layout) == 0);
  }
}

TEST_CASE("baseline and progressive JPEG decode to the pattern within JPEG error",
          "[data][decode]") {
  for (const char* file : {"baseline.jpg", "progressive.jpg"}) {
    INFO(file);
    const auto r = decode_image_file(kFixtures + "/" + file);
    REQUIRE(r.ok());
    // Quality 100, no chroma subsampling, block-aligned flat quadrants: only rounding remains.
    CHECK(max_error(r.image, Layout::Rgb) <= 3);
  }
}

TEST_CASE("bad files become skip reasons, never images", "[data][decode]") {
  SECTION("WebP is recognised and reported as unsupported") {
    const auto r = decode_image_file(kFixtures + "/rgb.webp");
    CHECK_FALSE(r.ok());
    CHECK(r.skip_reason == "WebP is not supported");
  }
  SECTION("zero bytes") {
    const auto r = decode_image(nullptr, 0);
    CHECK(r.skip_reason == "empty file");
  }
  SECTION("a text file") {
    const std::string text = "with_mask,1\nwithout_mask,0\n";
    const auto r = decode_image(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    CHECK(r.skip_reason == "not a supported image");
  }
  SECTION("a truncated JPEG (stb alone would return grey rows)") {
    std::vector<uint8_t> b = read_bytes(kFixtures + "/baseline.jpg");
    b.resize(b.size() * 2 / 3);
    const auto r = decode_image(b.data(), b.size());
    CHECK_FALSE(r.ok());
    CHECK(r.skip_reason.find("truncated") != std::string::npos);
  }
  SECTION("a truncated PNG") {
    std::vector<uint8_t> b = read_bytes(kFixtures + "/rgb.png");
    b.resize(b.size() - 30);
    CHECK_FALSE(decode_image(b.data(), b.size()).ok());
  }
  SECTION("a PNG with a corrupted data chunk") {
    std::vector<uint8_t> b = read_bytes(kFixtures + "/rgb.png");
    for (size_t i = 45; i < b.size() - 16; ++i) b[i] ^= 0x5a;
    CHECK_FALSE(decode_image(b.data(), b.size()).ok());
  }
  SECTION("a missing file") {
    CHECK(decode_image_file(kFixtures + "/does-not-exist.png").skip_reason == "cannot open file");
  }
}

TEST_CASE("resize keeps flat colours and produces the requested size", "[data][resize]") {
  const auto r = decode_image_file(kFixtures + "/rgb.png");
  REQUIRE(r.ok());
  const RgbImage big = cnn::data::resize_rgb(r.image, 64, 48);
  REQUIRE(big.width == 64);
  REQUIRE(big.height == 48);
  // Far from the quadrant edges the upsampled image is the quadrant's flat colour.
  const uint8_t* p = &big.pixels[(5 * 64 + 5) * 3];
  CHECK(p[0] == 255);
  CHECK(p[1] == 0);
  CHECK(p[2] == 0);
  const uint8_t* q = &big.pixels[(42 * 64 + 58) * 3];
  CHECK(q[0] == 200);
  CHECK(q[1] == 200);
  CHECK(q[2] == 200);
}
