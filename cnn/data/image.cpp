// Image decoding on top of stb_image (see image.h for the choices).
#include "cnn/data/image.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

namespace cnn::data {
namespace {

bool starts_with(const uint8_t* b, size_t n, const char* magic, size_t offset = 0) {
  const size_t m = std::strlen(magic);
  return n >= offset + m && std::memcmp(b + offset, magic, m) == 0;
}

// Formats stb cannot decode get a precise reason instead of stb's generic "unknown image type".
std::string unsupported_format(const uint8_t* b, size_t n) {
  if (starts_with(b, n, "RIFF") && starts_with(b, n, "WEBP", 8)) return "WebP is not supported";
  if (starts_with(b, n, "ftyp", 4)) return "HEIF/AVIF is not supported";
  if (starts_with(b, n, "II*") || starts_with(b, n, "MM")) return "TIFF is not supported";
  return "";
}

// A JPEG cut short still "decodes" in stb (missing scan data reads as zeros), so require the
// end-of-image marker. Entropy-coded data never contains FF D9 (0xFF is stuffed), so its absence
// near the end means the file was truncated. A 4 KiB window tolerates small trailers.
bool jpeg_is_truncated(const uint8_t* b, size_t n) {
  const size_t window = std::min<size_t>(n, 4096);
  for (size_t i = n - window; i + 1 < n; ++i) {
    if (b[i] == 0xFF && b[i + 1] == 0xD9) return false;
  }
  return true;
}

}  // namespace

DecodeResult decode_image(const uint8_t* bytes, size_t size) {
  DecodeResult result;
  if (size == 0) {
    result.skip_reason = "empty file";
    return result;
  }
  std::string reason = unsupported_format(bytes, size);
  if (!reason.empty()) {
    result.skip_reason = reason;
    return result;
  }
  const int len = static_cast<int>(std::min<size_t>(size, INT32_MAX));
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes, len, &w, &h, &channels)) {
    result.skip_reason = "not a supported image";
    return result;
  }
  if (starts_with(bytes, size, "\xFF\xD8") && jpeg_is_truncated(bytes, size)) {
    result.skip_reason = "truncated JPEG (no end-of-image marker)";
    return result;
  }
  // Ask for 4 channels so alpha (when present) can be composited; stb fills alpha=255 otherwise.
  std::unique_ptr<uint8_t, void (*)(void*)> rgba(
      stbi_load_from_memory(bytes, len, &w, &h, &channels, 4), stbi_image_free);
  if (!rgba) {
    const char* why = stbi_failure_reason();
    result.skip_reason = std::string("corrupt image (") + (why ? why : "decoder error") + ")";
    return result;
  }
  RgbImage& img = result.image;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<size_t>(w) * h * 3);
  const uint8_t* src = rgba.get();
  for (size_t i = 0, n = static_cast<size_t>(w) * h; i < n; ++i) {
    const unsigned a = src[4 * i + 3];
    for (int c = 0; c < 3; ++c) {
      // out = a*v + (1-a)*255, rounded; exact for a = 255 and a = 0.
      img.pixels[3 * i + c] =
          static_cast<uint8_t>((src[4 * i + c] * a + 255u * (255u - a) + 127u) / 255u);
    }
  }
  return result;
}

DecodeResult decode_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    DecodeResult r;
    r.skip_reason = "cannot open file";
    return r;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) {
    DecodeResult r;
    r.skip_reason = "read error";
    return r;
  }
  return decode_image(bytes.data(), bytes.size());
}

RgbImage resize_rgb(const RgbImage& src, int width, int height) {
  RgbImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(static_cast<size_t>(width) * height * 3);
  if (src.width == width && src.height == height) {
    out.pixels = src.pixels;
    return out;
  }
  stbir_resize_uint8_srgb(src.pixels.data(), src.width, src.height, 0, out.pixels.data(), width,
                          height, 0, 3, STBIR_ALPHA_CHANNEL_NONE, 0);
  return out;
}

DecodeResult load_rgb_resized(const std::string& path, int width, int height) {
  DecodeResult r = decode_image_file(path);
  if (r.ok()) r.image = resize_rgb(r.image, width, height);
  return r;
}

bool write_png(const std::string& path, const RgbImage& image) {
  return stbi_write_png(path.c_str(), image.width, image.height, 3, image.pixels.data(),
                        image.width * 3) != 0;
}

}  // namespace cnn::data
