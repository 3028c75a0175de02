// Procedural face-mask images (see synthetic.h for what varies and why).
//
// Drawing model: a float RGB canvas and a painter's algorithm. Every face part is a shape in
// face-local coordinates (u across the face, -1..1 at the cheeks; v downwards, 0 at the eye-nose
// midpoint), mapped to the image by one similarity transform (position, scale, tilt). Each shape
// is an inside-test plus a colour function; coverage is 4x supersampled for anti-aliased edges.
#include "cnn/data/synthetic.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>

#include "cnn/data/rng.h"

namespace cnn::data {
namespace {

using Rgb = std::array<float, 3>;  // linear-ish [0, 1]

Rgb mix(const Rgb& a, const Rgb& b, float t) {
  return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}
Rgb shade(const Rgb& c, float k) {
  return {c[0] * k, c[1] * k, c[2] * k};
}
Rgb rgb255(int r, int g, int b) {
  return {r / 255.f, g / 255.f, b / 255.f};
}
Rgb random_colour(Rng& r) {
  return {static_cast<float>(r.uniform()), static_cast<float>(r.uniform()),
          static_cast<float>(r.uniform())};
}
template <size_t N>
Rgb pick(Rng& r, const std::array<Rgb, N>& palette) {
  return palette[r.below(N)];
}

// Maps image coordinates (pixels) to face-local (u, v) and back: p = centre + scale * R(angle) *
// uv.
struct FaceFrame {
  float cx, cy, scale, cos_a, sin_a;
  void to_local(float x, float y, float* u, float* v) const {
    const float dx = x - cx, dy = y - cy;
    *u = (cos_a * dx + sin_a * dy) / scale;
    *v = (-sin_a * dx + cos_a * dy) / scale;
  }
  void to_image(float u, float v, float* x, float* y) const {
    *x = cx + scale * (cos_a * u - sin_a * v);
    *y = cy + scale * (sin_a * u + cos_a * v);
  }
};

class Canvas {
 public:
  explicit Canvas(int size) : size_(size), px_(static_cast<size_t>(size) * size) {}
  int size() const { return size_; }
  Rgb& at(int x, int y) { return px_[static_cast<size_t>(y) * size_ + x]; }
  // From now on, paint() also accumulates coverage (the person's alpha, for pasting into scenes);
  // it never changes a colour.
  void track_coverage() { coverage_.assign(px_.size(), 0.f); }
  const std::vector<float>& coverage() const { return coverage_; }

  // Paints a shape given in frame-local coordinates, bounded by the local box [u0,u1]x[v0,v1].
  template <typename Inside, typename Colour>
  void paint(const FaceFrame& f, float u0, float v0, float u1, float v1, Inside inside,
             Colour colour, float opacity = 1.f) {
    float xmin = 1e9f, ymin = 1e9f, xmax = -1e9f, ymax = -1e9f;
    for (float u : {u0, u1}) {
      for (float v : {v0, v1}) {
        float x, y;
        f.to_image(u, v, &x, &y);
        xmin = std::min(xmin, x), xmax = std::max(xmax, x);
        ymin = std::min(ymin, y), ymax = std::max(ymax, y);
      }
    }
    const int x0 = std::max(0, static_cast<int>(std::floor(xmin))),
              x1 = std::min(size_ - 1, static_cast<int>(std::ceil(xmax)));
    const int y0 = std::max(0, static_cast<int>(std::floor(ymin))),
              y1 = std::min(size_ - 1, static_cast<int>(std::ceil(ymax)));
    static constexpr float kSub[2] = {0.25f, 0.75f};
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        int hits = 0;
        for (float sy : kSub) {
          for (float sx : kSub) {
            float u, v;
            f.to_local(x + sx, y + sy, &u, &v);
            hits += inside(u, v) ? 1 : 0;
          }
        }
        if (hits == 0) continue;
        float u, v;
        f.to_local(x + 0.5f, y + 0.5f, &u, &v);
        at(x, y) = mix(at(x, y), colour(u, v), opacity * hits / 4.f);
        if (!coverage_.empty()) {
          float& a = coverage_[static_cast<size_t>(y) * size_ + x];
          a += (1.f - a) * opacity * hits / 4.f;
        }
      }
    }
  }

 private:
  int size_;
  std::vector<Rgb> px_;
  std::vector<float> coverage_;  // empty unless track_coverage()
};

auto solid(const Rgb& c) {
  return [c](float, float) { return c; };
}
auto ellipse(float cu, float cv, float ru, float rv) {
  return [=](float u, float v) {
    const float a = (u - cu) / ru, b = (v - cv) / rv;
    return a * a + b * b <= 1.f;
  };
}
// A thick segment (capsule) from (u0,v0) to (u1,v1) with half-thickness t.
auto segment(float u0, float v0, float u1, float v1, float t) {
  return [=](float u, float v) {
    const float du = u1 - u0, dv = v1 - v0;
    const float len2 = du * du + dv * dv;
    float s = len2 > 0 ? ((u - u0) * du + (v - v0) * dv) / len2 : 0.f;
    s = std::clamp(s, 0.f, 1.f);
    const float eu = u - (u0 + s * du), ev = v - (v0 + s * dv);
    return eu * eu + ev * ev <= t * t;
  };
}

const std::array<Rgb, 10> kSkin = {
    rgb255(255, 224, 196), rgb255(241, 194, 160), rgb255(224, 172, 125), rgb255(198, 134, 94),
    rgb255(168, 110, 70),  rgb255(141, 85, 56),   rgb255(110, 66, 42),   rgb255(84, 50, 32),
    rgb255(233, 190, 170), rgb255(200, 150, 120)};
const std::array<Rgb, 8> kHair = {rgb255(20, 16, 14),    rgb255(60, 40, 25),    rgb255(100, 70, 40),
                                  rgb255(170, 120, 60),  rgb255(220, 190, 120), rgb255(140, 60, 30),
                                  rgb255(150, 150, 150), rgb255(235, 235, 230)};
// Mask colours: light and dark in every channel (so no single-channel threshold finds them), but
// none in the skin palette's range of hues and none red like lips: a skin-coloured mask at 100x100
// is ambiguous even to people, a red one over the mouth reads as lips (the most common error of a
// default run when red masks were in), and the seed recipe's four epochs cannot afford many
// ambiguous examples.
const std::array<Rgb, 12> kMask = {
    rgb255(160, 200, 230), rgb255(235, 240, 245), rgb255(30, 30, 35),  rgb255(110, 170, 200),
    rgb255(180, 150, 220), rgb255(130, 130, 135), rgb255(40, 60, 120), rgb255(120, 190, 170),
    rgb255(70, 90, 160),   rgb255(110, 60, 140),  rgb255(90, 120, 60), rgb255(200, 200, 190)};

// Light blue, white, teal and black, as in photographs. Black matters here: without it "high blue
// at the mouth" would be a single-pixel shortcut (light masks over skin, whose blue is low).
const std::array<Rgb, 4> kSurgical = {rgb255(160, 200, 230), rgb255(235, 240, 245),
                                      rgb255(120, 190, 210), rgb255(30, 30, 35)};

// Chromaticity (r, g) / (r + g + b): brightness-independent hue, so lighting does not move it much.
std::array<float, 2> chromaticity(const Rgb& c) {
  const float s = c[0] + c[1] + c[2] + 1e-3f;
  return {c[0] / s, c[1] / s};
}

// HSV hue in degrees [0, 360) and saturation [0, 1].
float hue_degrees(const Rgb& c, float* saturation) {
  const float hi = std::max({c[0], c[1], c[2]}), lo = std::min({c[0], c[1], c[2]});
  *saturation = hi > 0 ? (hi - lo) / hi : 0.f;
  if (hi - lo < 1e-6f) return 0.f;
  float h = hi == c[0]   ? (c[1] - c[2]) / (hi - lo)
            : hi == c[1] ? 2.f + (c[2] - c[0]) / (hi - lo)
                         : 4.f + (c[0] - c[1]) / (hi - lo);
  h *= 60.f;
  return h < 0 ? h + 360.f : h;
}

// A random colour whose hue is not within reach of any skin tone nor red like lips (see kMask).
Rgb random_non_skin_colour(Rng& r) {
  for (;;) {
    const Rgb c = random_colour(r);
    float saturation = 0;
    const float hue = hue_degrees(c, &saturation);
    if (saturation > 0.3f && (hue > 330.f || hue < 45.f)) continue;  // reds, oranges, lips
    const auto q = chromaticity(c);
    bool skin_like = false;
    for (const Rgb& s : kSkin) {
      const auto k = chromaticity(s);
      skin_like |= std::hypot(q[0] - k[0], q[1] - k[1]) < 0.07f;
    }
    if (!skin_like) return c;
  }
}

void draw_background(Canvas& c, Rng& r) {
  const int n = c.size();
  const Rgb top = random_colour(r), bottom = mix(random_colour(r), top, 0.4f);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) c.at(x, y) = mix(top, bottom, static_cast<float>(y) / n);
  }
  // Clutter, in image coordinates (a frame with unit scale, no tilt). Mask colours on purpose,
  // so "light blue or white somewhere" is no shortcut.
  const FaceFrame img{0, 0, 1, 1, 0};
  const int shapes = 1 + static_cast<int>(r.below(5));
  for (int i = 0; i < shapes; ++i) {
    const Rgb col = r.chance(0.15) ? pick(r, kMask) : random_colour(r);
    const float x = static_cast<float>(r.uniform(0, n)), y = static_cast<float>(r.uniform(0, n));
    const float w = static_cast<float>(r.uniform(0.05, 0.35) * n),
                h = static_cast<float>(r.uniform(0.05, 0.35) * n);
    const float op = static_cast<float>(r.uniform(0.4, 1.0));
    switch (r.below(3)) {
      case 0:
        c.paint(img, x - w, y - h, x + w, y + h, ellipse(x, y, w, h), solid(col), op);
        break;
      case 1:
        c.paint(
            img, x - w, y - h, x + w, y + h,
            [=](float u, float v) { return std::abs(u - x) <= w && std::abs(v - y) <= h; },
            solid(col), op);
        break;
      default: {
        const float x2 = static_cast<float>(r.uniform(0, n)),
                    y2 = static_cast<float>(r.uniform(0, n));
        const float t = static_cast<float>(r.uniform(0.01, 0.04) * n);
        c.paint(img, std::min(x, x2) - t, std::min(y, y2) - t, std::max(x, x2) + t,
                std::max(y, y2) + t, segment(x, y, x2, y2, t), solid(col), op);
      }
    }
  }
}

struct Face {
  Rgb skin, hair, lips;
  float h;    // half-height of the face ellipse (half-width is 1)
  float jaw;  // 0 = oval, up to 0.35 = narrow chin
  bool inside(float u, float v) const {
    const float w = v > 0 ? 1.f - jaw * (v / h) * (v / h) : 1.f;
    const float a = u / w, b = v / h;
    return a * a + b * b <= 1.f;
  }
  // Half-width of the face at height v (0 outside).
  float half_width(float v) const {
    const float b = v / h;
    if (std::abs(b) >= 1) return 0.f;
    const float w = v > 0 ? 1.f - jaw * b * b : 1.f;
    return w * std::sqrt(1.f - b * b);
  }
};

void draw_body_and_head(Canvas& c, const FaceFrame& f, const Face& face, Rng& r, int* hair_style) {
  *hair_style = static_cast<int>(r.below(5));  // 0 bald, 1 short, 2 long, 3 hat, 4 bun/curly
  if (*hair_style == 2) {                      // long hair falls behind the head and shoulders
    c.paint(f, -1.5f, -1.7f, 1.5f, 2.2f, ellipse(0, 0.1f, 1.35f, 2.0f), solid(face.hair));
  }
  const Rgb shirt = random_colour(r);
  c.paint(f, -3.5f, 1.2f, 3.5f, 4.5f, ellipse(0, 2.9f, 2.6f, 1.5f), solid(shirt));
  if (r.chance(0.5)) {  // collar/neckline detail
    const Rgb trim = r.chance(0.5) ? rgb255(240, 240, 240) : random_colour(r);
    c.paint(f, -1.2f, 1.3f, 1.2f, 2.2f, ellipse(0, 1.55f, 0.9f, 0.35f), solid(trim));
  }
  const Rgb neck = shade(face.skin, 0.85f);
  c.paint(
      f, -0.6f, 0.5f, 0.6f, 2.0f,
      [](float u, float v) { return std::abs(u) <= 0.45f && v <= 1.8f; }, solid(neck));
  // Ears
  for (float side : {-1.f, 1.f}) {
    c.paint(f, side * 1.2f - 0.2f, -0.4f, side * 1.2f + 0.2f, 0.3f,
            ellipse(side * 0.97f, -0.05f, 0.16f, 0.26f), solid(shade(face.skin, 0.92f)));
  }
  // Face with soft side shading, so the face reads as round.
  c.paint(
      f, -1.1f, -face.h - 0.1f, 1.1f, face.h + 0.1f,
      [&](float u, float v) { return face.inside(u, v); },
      [&](float u, float) { return shade(face.skin, 1.f - 0.15f * u * u); });
  // Hair on top
  if (*hair_style == 1 || *hair_style == 2 || *hair_style == 4) {
    const float line = static_cast<float>(r.uniform(-0.75, -0.45));  // hairline height
    const float puff = *hair_style == 4 ? 1.25f : 1.08f;
    c.paint(
        f, -1.4f, -face.h - 0.6f, 1.4f, 0.4f,
        [&, line, puff](float u, float v) {
          const float a = u / puff, b = (v + 0.1f) / (face.h * 1.05f + (puff - 1.f));
          return a * a + b * b <= 1.f && v <= line + 0.25f * u * u;
        },
        solid(face.hair));
  } else if (*hair_style == 3) {  // hat: crown plus brim
    const Rgb hat = random_colour(r);
    const float brim = -face.h * static_cast<float>(r.uniform(0.45, 0.65));
    c.paint(
        f, -1.2f, -face.h - 0.9f, 1.2f, brim + 0.1f,
        [&, brim](float u, float v) {
          return std::abs(u) <= 1.02f && v <= brim && v >= -face.h - 0.6f;
        },
        solid(hat));
    c.paint(
        f, -1.6f, brim - 0.1f, 1.6f, brim + 0.15f,
        [brim](float u, float v) { return std::abs(u) <= 1.45f && std::abs(v - brim) <= 0.08f; },
        solid(shade(hat, 0.8f)));
  }
}

void draw_features(Canvas& c, const FaceFrame& f, const Face& face, Rng& r, bool beard) {
  const float eye_v = static_cast<float>(r.uniform(-0.32, -0.18));
  const float eye_u = static_cast<float>(r.uniform(0.33, 0.44));
  const float eye_rx = static_cast<float>(r.uniform(0.13, 0.2)),
              eye_ry = static_cast<float>(r.uniform(0.06, 0.1));
  const Rgb iris =
      pick(r, std::array<Rgb, 5>{rgb255(70, 45, 25), rgb255(40, 30, 20), rgb255(60, 110, 160),
                                 rgb255(80, 120, 70), rgb255(120, 90, 50)});
  const bool closed = r.chance(0.08);
  const float look = static_cast<float>(r.uniform(-0.05, 0.05));
  for (float side : {-1.f, 1.f}) {
    const float cu = side * eye_u;
    if (closed) {
      c.paint(f, cu - 0.2f, eye_v - 0.05f, cu + 0.2f, eye_v + 0.05f,
              segment(cu - eye_rx, eye_v, cu + eye_rx, eye_v, 0.02f),
              solid(shade(face.skin, 0.5f)));
    } else {
      c.paint(f, cu - 0.25f, eye_v - 0.15f, cu + 0.25f, eye_v + 0.15f,
              ellipse(cu, eye_v, eye_rx, eye_ry), solid(rgb255(245, 245, 240)));
      c.paint(
          f, cu - 0.1f, eye_v - 0.1f, cu + 0.1f, eye_v + 0.1f,
          [=](float u, float v) {
            return ellipse(cu + look, eye_v, 0.065f, 0.065f)(u, v) &&
                   ellipse(cu, eye_v, eye_rx, eye_ry)(u, v);
          },
          solid(iris));
      c.paint(f, cu - 0.05f, eye_v - 0.05f, cu + 0.05f, eye_v + 0.05f,
              ellipse(cu + look, eye_v, 0.03f, 0.03f), solid(rgb255(10, 10, 10)));
    }
    // Brow: a thick tilted segment.
    const float bv = eye_v - static_cast<float>(r.uniform(0.14, 0.22));
    const float tilt = static_cast<float>(r.uniform(-0.06, 0.06));
    c.paint(f, cu - 0.3f, bv - 0.15f, cu + 0.3f, bv + 0.15f,
            segment(cu - side * 0.18f, bv + tilt, cu + side * 0.18f, bv - tilt,
                    static_cast<float>(r.uniform(0.025, 0.05))),
            solid(mix(face.hair, face.skin, 0.25f)));
  }
  if (r.chance(0.15)) {  // glasses: two rings and a bridge
    const Rgb frame = r.chance(0.5) ? rgb255(20, 20, 20) : random_colour(r);
    for (float side : {-1.f, 1.f}) {
      const float cu = side * eye_u;
      c.paint(
          f, cu - 0.3f, eye_v - 0.25f, cu + 0.3f, eye_v + 0.25f,
          [=](float u, float v) {
            return ellipse(cu, eye_v, 0.26f, 0.19f)(u, v) &&
                   !ellipse(cu, eye_v, 0.22f, 0.155f)(u, v);
          },
          solid(frame));
    }
    c.paint(f, -0.2f, eye_v - 0.05f, 0.2f, eye_v + 0.05f,
            segment(-eye_u + 0.26f, eye_v, eye_u - 0.26f, eye_v, 0.02f), solid(frame));
  }
  // Nose: a shaded ridge and two nostrils.
  const float nose_len = static_cast<float>(r.uniform(0.3, 0.45));
  const float nose_w = static_cast<float>(r.uniform(0.1, 0.18));
  c.paint(
      f, -0.25f, eye_v, 0.25f, eye_v + nose_len + 0.2f,
      [=](float u, float v) {
        const float t = (v - eye_v) / (nose_len + 0.08f);
        return t >= 0 && t <= 1 && std::abs(u) <= nose_w * t;
      },
      solid(shade(face.skin, 0.85f)));
  const float nostril_v = eye_v + nose_len + 0.05f;
  for (float side : {-1.f, 1.f}) {
    c.paint(f, side * 0.08f - 0.06f, nostril_v - 0.05f, side * 0.08f + 0.06f, nostril_v + 0.05f,
            ellipse(side * 0.08f, nostril_v, 0.045f, 0.025f), solid(shade(face.skin, 0.45f)));
  }
  // Mouth: a curved band (smile or frown), sometimes open with teeth.
  const float mouth_v = nostril_v + static_cast<float>(r.uniform(0.22, 0.32));
  const float mouth_w = static_cast<float>(r.uniform(0.22, 0.36));
  const float curve = static_cast<float>(r.uniform(-0.1, 0.35));
  const float thick = static_cast<float>(r.uniform(0.06, 0.09));
  const bool open = r.chance(0.4);
  auto mouth_centre = [=](float u) {
    return mouth_v - curve * (1.f - (u / mouth_w) * (u / mouth_w)) * 0.3f;
  };
  c.paint(
      f, -mouth_w, mouth_v - 0.3f, mouth_w, mouth_v + 0.3f,
      [=](float u, float v) {
        const float taper = 1.f - (u / mouth_w) * (u / mouth_w);
        return std::abs(u) <= mouth_w &&
               std::abs(v - mouth_centre(u)) <= thick * (0.4f + taper) * (open ? 2.f : 1.f);
      },
      [=](float, float v) {
        return open && std::abs(v - (mouth_centre(0) - 0.01f)) < 0.025f ? rgb255(240, 240, 235)
                                                                        : face.lips;
      });
  if (beard) {  // stubble or full beard: dark texture over the lower face
    const float top = mouth_v - static_cast<float>(r.uniform(0.15, 0.3));
    const float density = static_cast<float>(r.uniform(0.3, 0.8));  // skin shows through
    const uint64_t tex = r.next();
    c.paint(
        f, -1.1f, top, 1.1f, face.h + 0.2f,
        [=](float u, float v) {
          return v >= top + 0.15f * (1.f - u * u) && face.inside(u, v * 0.97f) &&
                 !(std::abs(u) < mouth_w * 0.9f && std::abs(v - mouth_v) < 0.06f);
        },
        [=](float u, float v) {
          const uint64_t cell =
              (static_cast<uint64_t>((u + 2) * 40) * 131 + static_cast<uint64_t>((v + 2) * 40)) ^
              tex;
          const float k = ((cell * 0x9e3779b97f4a7c15ULL) >> 60) / 15.f;
          return shade(face.hair, 0.7f + 0.6f * k);
        },
        density);
  }
}

// Returns the top of the mask in face coordinates (to place straps).
// forced_top (when finite) replaces the drawn top edge after the draws, so a correctly worn mask
// stays the same stream of draws.
void draw_mask(Canvas& c, const FaceFrame& f, const Face& face, Rng& r,
               float forced_top = std::numeric_limits<float>::quiet_NaN()) {
  // Surgical masks are the most common in photographs (and in the public sets), then cloth.
  const double kind_draw = r.uniform();
  const int kind = kind_draw < 0.65 ? 0 : kind_draw < 0.9 ? 1 : 2;  // surgical, cloth, N95-like
  // Coverage: top edge from the nose bridge to just under the nose tip.
  const float drawn_top =
      static_cast<float>(r.chance(0.1) ? r.uniform(0.12, 0.3) : r.uniform(-0.15, 0.1));
  const float top = std::isfinite(forced_top) ? forced_top : drawn_top;
  const float bottom = face.h * static_cast<float>(r.uniform(0.93, 1.08));
  const float spread = static_cast<float>(r.uniform(1.02, 1.12));
  Rgb base = pick(r, kMask);
  if (kind != 1 && r.chance(0.9)) base = pick(r, kSurgical);
  if (r.chance(0.05)) base = random_non_skin_colour(r);
  const Rgb second = r.chance(0.5) ? random_non_skin_colour(r) : shade(base, 0.6f);
  const int pattern =
      kind == 1 ? static_cast<int>(r.below(5)) : 0;  // solid, stripes, dots, plaid, two-tone
  const float period = static_cast<float>(r.uniform(0.12, 0.3));
  const float angle = static_cast<float>(r.uniform(0, 3.1416));
  const float pc = std::cos(angle), ps = std::sin(angle);

  auto region = [=](float u, float v) {
    if (v > bottom) return false;
    if (kind == 2) {  // cup: one ellipse from top to chin
      const float cv = 0.5f * (top + bottom), rv = 0.5f * (bottom - top) + 0.05f;
      return ellipse(0, cv, 0.9f * spread, rv)(u, v);
    }
    const float edge = top - 0.12f * (1.f - std::min(1.f, u * u));  // bows up over the nose
    if (v < edge) return false;
    const float hw = std::max(face.half_width(std::min(v, face.h * 0.999f)), 0.2f);
    return std::abs(u) <= hw * spread + 0.02f;
  };
  auto colour = [=](float u, float v) {
    Rgb col = base;
    const float s = u * pc + v * ps;
    switch (pattern) {
      case 1:
        if (std::fmod(s / period + 100.f, 1.f) < 0.5f) col = second;
        break;
      case 2: {
        const float a = std::fmod(u / period + 100.f, 1.f) - 0.5f,
                    b = std::fmod(v / period + 100.f, 1.f) - 0.5f;
        if (a * a + b * b < 0.06f) col = second;
        break;
      }
      case 3:
        if (std::fmod(u / period + 100.f, 1.f) < 0.25f ||
            std::fmod(v / period + 100.f, 1.f) < 0.25f)
          col = mix(col, second, 0.7f);
        break;
      case 4:
        if (u > 0) col = second;
        break;
      default:
        break;
    }
    // Curvature shading: darker towards the sides and the chin.
    return shade(col, 1.f - 0.18f * u * u - 0.1f * std::max(0.f, v - top) / (bottom - top + 1e-3f));
  };
  // Straps to the ears go under the mask edges, drawn first.
  const Rgb strap = r.chance(0.6) ? shade(base, 0.9f) : rgb255(235, 235, 235);
  const float strap_t = static_cast<float>(r.uniform(0.035, 0.06));
  for (float side : {-1.f, 1.f}) {
    c.paint(f, -1.4f, -0.4f, 1.4f, bottom + 0.1f,
            segment(side * 0.9f, top + 0.08f, side * 1.08f, -0.15f, strap_t), solid(strap));
    c.paint(f, -1.4f, -0.4f, 1.4f, bottom + 0.1f,
            segment(side * 0.85f, bottom - 0.25f, side * 1.02f, 0.1f, strap_t), solid(strap));
  }
  // A soft shadow under the mask's lower edge: masks stand off the face.
  c.paint(
      f, -1.3f, top - 0.2f, 1.3f, bottom + 0.2f,
      [=](float u, float v) { return region(u * 0.98f, v - 0.06f); }, solid(rgb255(0, 0, 0)),
      0.35f);
  c.paint(f, -1.3f, top - 0.2f, 1.3f, bottom + 0.1f, region, colour);
  // The edge: fabric folds and the seam where the mask meets the face read as a darker outline.
  constexpr float kEdge = 0.04f;
  c.paint(
      f, -1.3f, top - 0.2f, 1.3f, bottom + 0.1f,
      [=](float u, float v) {
        return region(u, v) && !(region(u - kEdge, v) && region(u + kEdge, v) &&
                                 region(u, v - kEdge) && region(u, v + kEdge));
      },
      solid(shade(base, 0.6f)));
  if (kind == 0) {  // pleats and nose wire
    const Rgb pleat = shade(base, 0.8f);
    for (int k = 1; k <= 3; ++k) {
      const float pv = top + (bottom - top) * (0.2f + 0.18f * k);
      c.paint(
          f, -1.3f, pv - 0.05f, 1.3f, pv + 0.05f,
          [=](float u, float v) { return region(u, v) && std::abs(v - pv) < 0.018f; },
          solid(pleat));
    }
    c.paint(
        f, -0.5f, top - 0.2f, 0.5f, top + 0.1f,
        [=](float u, float v) {
          return std::abs(u) < 0.35f && std::abs(v - (top - 0.12f * (1.f - u * u) + 0.04f)) < 0.02f;
        },
        solid(mix(base, rgb255(250, 250, 250), 0.6f)));
  } else if (kind == 1) {  // centre seam
    c.paint(
        f, -0.05f, top - 0.2f, 0.05f, bottom,
        [=](float u, float v) { return std::abs(u) < 0.012f && region(u, v); },
        solid(shade(base, 0.7f)));
  } else {
    const float cv = 0.5f * (top + bottom), rv = 0.5f * (bottom - top) + 0.05f;
    c.paint(
        f, -1.2f, top - 0.2f, 1.2f, bottom + 0.2f,  // rim
        [=](float u, float v) {
          return ellipse(0, cv, 0.9f * spread, rv)(u, v) &&
                 !ellipse(0, cv, 0.9f * spread - 0.05f, rv - 0.05f)(u, v);
        },
        solid(shade(base, 0.75f)));
    if (r.chance(0.4)) {  // exhalation valve
      const float side = r.chance(0.5) ? -1.f : 1.f;
      c.paint(f, side * 0.4f - 0.2f, cv - 0.2f, side * 0.4f + 0.2f, cv + 0.2f,
              ellipse(side * 0.4f, cv, 0.15f, 0.15f), solid(random_colour(r)));
    }
  }
}

// A scarf or high collar below the chin: mask-like colours and patterns, but the mouth stays
// visible. Teaches the network to look at the mouth, not at "cloth near the face".
void draw_scarf(Canvas& c, const FaceFrame& f, const Face& face, Rng& r) {
  const Rgb col = r.chance(0.5) ? pick(r, kMask) : random_colour(r);
  const Rgb stripe = random_colour(r);
  const bool striped = r.chance(0.5);
  const float top = face.h * static_cast<float>(r.uniform(0.92, 1.05));
  c.paint(
      f, -2.f, top - 0.3f, 2.f, top + 1.2f,
      [=](float u, float v) {
        return v >= top + 0.15f * u * u && v <= top + 0.9f && std::abs(u) <= 1.5f;
      },
      [=](float, float v) {
        return striped && std::fmod((v - top) * 8.f, 1.f) < 0.3f ? stripe : col;
      });
}

void apply_lighting_and_noise(Canvas& c, Rng& r) {
  const int n = c.size();
  const float brightness = static_cast<float>(r.uniform(0.75, 1.2));
  const float grad = static_cast<float>(r.uniform(0, 0.6));
  const float dir = static_cast<float>(r.uniform(0, 6.2832));
  const float dx = std::cos(dir) * grad, dy = std::sin(dir) * grad;
  const Rgb cast = {static_cast<float>(r.uniform(0.85, 1.15)),
                    static_cast<float>(r.uniform(0.85, 1.15)),
                    static_cast<float>(r.uniform(0.85, 1.15))};
  const float contrast = static_cast<float>(r.uniform(0.75, 1.2));
  const float sigma = static_cast<float>(r.uniform(0, 0.03));
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const float light =
          brightness * (1.f + dx * (x / float(n) - 0.5f) + dy * (y / float(n) - 0.5f));
      Rgb& p = c.at(x, y);
      for (int k = 0; k < 3; ++k) {
        const float v = ((p[k] - 0.5f) * contrast + 0.5f) * light * cast[k] +
                        sigma * static_cast<float>(r.normal());
        p[k] = std::clamp(v, 0.f, 1.f);
      }
    }
  }
}

}  // namespace

SyntheticPerson render_synthetic_person(uint64_t seed, uint64_t index, MaskWear wear, int size) {
  Rng r(seed, index);
  Canvas c(size);
  draw_background(c, r);
  c.track_coverage();  // everything after the background is the person

  Face face;
  face.skin = mix(pick(r, kSkin), random_colour(r), 0.08f);
  face.hair = pick(r, kHair);
  face.lips =
      mix(shade(face.skin, 0.6f), rgb255(150, 40, 55), static_cast<float>(r.uniform(0.4, 0.8)));
  face.h = static_cast<float>(r.uniform(1.2, 1.45));
  face.jaw = static_cast<float>(r.uniform(0.0, 0.35));

  const float n = static_cast<float>(size);
  // Roughly centred faces, as a face detector's crops are (the public sets are such crops).
  const float scale = n * static_cast<float>(r.uniform(0.29, 0.35));  // face half-width in pixels
  const float angle = static_cast<float>(r.uniform(-0.25, 0.25));
  const FaceFrame frame{n * static_cast<float>(r.uniform(0.43, 0.57)),
                        n * static_cast<float>(r.uniform(0.42, 0.52)), scale, std::cos(angle),
                        std::sin(angle)};
  int hair_style = 0;
  draw_body_and_head(c, frame, face, r, &hair_style);
  const bool beard = r.chance(0.06);
  draw_features(c, frame, face, r, beard);
  if (wear == MaskWear::below_nose) {
    // Nose (nostrils end above v = 0.35) uncovered, the edge over the mouth or the chin. A
    // separate stream, so the other draws are those of a correctly worn mask.
    Rng placement(seed ^ 0x6e05e0ffULL, index);
    draw_mask(c, frame, face, r, static_cast<float>(placement.uniform(0.5, 0.65)));
  } else if (wear == MaskWear::correct) {
    draw_mask(c, frame, face, r);
  } else if (r.chance(0.04)) {
    draw_scarf(c, frame, face, r);
  }
  apply_lighting_and_noise(c, r);

  SyntheticPerson out;
  RgbImage& img = out.image;
  img.width = img.height = size;
  img.pixels.resize(static_cast<size_t>(size) * size * 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int k = 0; k < 3; ++k) {
        img.pixels[(static_cast<size_t>(y) * size + x) * 3 + k] =
            static_cast<uint8_t>(std::lround(c.at(x, y)[k] * 255.f));
      }
    }
  }
  out.coverage = c.coverage();
  // The face outline (cheek to cheek, hairline-covered forehead to chin) through the tilt.
  float xmin = 1e9f, ymin = 1e9f, xmax = -1e9f, ymax = -1e9f;
  constexpr int kSteps = 64;
  for (int i = 0; i <= kSteps; ++i) {
    const float v = face.h * (2.f * i / kSteps - 1.f);
    const float hw = face.half_width(v);
    for (float u : {-hw, hw}) {
      float x, y;
      frame.to_image(u, v, &x, &y);
      xmin = std::min(xmin, x), xmax = std::max(xmax, x);
      ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  }
  // Clipped to the crop: a small crop can cut the top of a tall face by a fraction of a pixel.
  out.face_box = detect::clip({xmin, ymin, xmax, ymax}, n, n);
  return out;
}

RgbImage render_synthetic_face(uint64_t seed, uint64_t index, bool with_mask, int size) {
  return render_synthetic_person(seed, index, with_mask ? MaskWear::correct : MaskWear::none, size)
      .image;
}

ImageDataset make_synthetic_dataset(size_t count, uint64_t seed, int size) {
  if (size < 16) throw DataError("synthetic images need a size of at least 16 pixels");
  ImageDataset ds;
  ds.classes = {kWithMask, kWithoutMask};
  ds.width = ds.height = size;
  ds.labels.resize(count);
  ds.paths.resize(count);
  ds.pixels.resize(count * ds.image_bytes());
  std::atomic<size_t> next{0};
  const size_t n_threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> workers;
  for (size_t t = 0; t < n_threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < count;) {
        const bool mask = i % 2 == 0;
        const RgbImage img = render_synthetic_face(seed, i, mask, size);
        std::copy(img.pixels.begin(), img.pixels.end(), ds.pixels.begin() + i * ds.image_bytes());
        ds.labels[i] = mask ? kWithMaskLabel : kWithoutMaskLabel;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return ds;
}

void write_synthetic_folder(const std::string& dir, size_t count, uint64_t seed, int size) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* cls : {kWithMask, kWithoutMask}) {
    fs::create_directories(fs::path(dir) / cls, ec);
    if (ec)
      throw DataError("cannot create '" + (fs::path(dir) / cls).string() + "': " + ec.message());
  }
  const ImageDataset ds = make_synthetic_dataset(count, seed, size);
  for (size_t i = 0; i < ds.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%06zu.png", i);
    const fs::path path = fs::path(dir) / ds.classes[static_cast<size_t>(ds.labels[i])] / name;
    RgbImage img;
    img.width = img.height = size;
    img.pixels.assign(ds.image(i), ds.image(i) + ds.image_bytes());
    if (!write_png(path.string(), img)) throw DataError("cannot write '" + path.string() + "'");
  }
}

}  // namespace cnn::data
