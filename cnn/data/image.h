// Decoding one image file into packed 8-bit RGB at a fixed size, and writing RGB buffers as PNG.
//
// Choices that matter:
//   - stb_image (Debian's libstb) decodes JPEG (baseline and progressive), PNG (8/16-bit, alpha,
//     palette), BMP, TGA, GIF (first frame) and PNM. 16-bit samples are reduced to 8 bits by stb.
//   - Alpha is composited over white, not dropped: transparent PNG backgrounds often hold
//     arbitrary colours under alpha 0, and white is what a viewer shows.
//   - Files stb would accept but that are damaged in a way stb tolerates (a JPEG cut short decodes
//     to grey rows) are rejected up front, so a bad file never passes silently.
//   - Resizing uses stb_image_resize's default filter (Mitchell down, cubic up) in linear sRGB
//     space; the same function serves training, evaluation and prediction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn::data {

// Packed RGB, row-major, 3 bytes per pixel: pixels.size() == width * height * 3.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

// Either an image or the reason the file was not decoded (one short phrase, e.g. "WebP is not
// supported"). Exactly one of the two is meaningful: ok() tells which.
struct DecodeResult {
  RgbImage image;
  std::string skip_reason;
  bool ok() const { return skip_reason.empty(); }
};

// Decodes an encoded file held in memory. Never throws for bad content.
DecodeResult decode_image(const uint8_t* bytes, size_t size);

// Reads and decodes `path`; a missing or unreadable file is a skip reason, not an exception.
DecodeResult decode_image_file(const std::string& path);

// requires: src.pixels.size() == src.width*src.height*3, width > 0, height > 0.
// ensures: result is width x height.
RgbImage resize_rgb(const RgbImage& src, int width, int height);

// Decode + resize: the one preprocessing path used for training, evaluation and prediction.
DecodeResult load_rgb_resized(const std::string& path, int width, int height);

// Writes packed RGB as PNG. Returns false on an I/O error.
bool write_png(const std::string& path, const RgbImage& image);

}  // namespace cnn::data
