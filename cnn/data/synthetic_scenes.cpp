// Synthetic detection scenes (see synthetic_scenes.h for what is drawn and why).
#include "cnn/data/synthetic_scenes.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <thread>

#include "cnn/data/rng.h"
#include "cnn/data/synthetic.h"

namespace cnn::data {
namespace {

using Rgb = std::array<float, 3>;  // [0, 255]

// A float RGB canvas with anti-aliased (2x2 supersampled) shapes for the clutter.
class SceneCanvas {
 public:
  SceneCanvas(int w, int h) : w_(w), h_(h), px_(static_cast<size_t>(w) * h) {}
  int width() const { return w_; }
  int height() const { return h_; }
  Rgb& at(int x, int y) { return px_[static_cast<size_t>(y) * w_ + x]; }

  // Blends colour(x, y) where inside(x, y) holds, within the bounding box [x0,x1]x[y0,y1].
  template <typename Inside, typename Colour>
  void paint(float x0, float y0, float x1, float y1, Inside inside, Colour colour, float opacity) {
    const int ix0 = std::max(0, static_cast<int>(std::floor(x0))),
              ix1 = std::min(w_ - 1, static_cast<int>(std::ceil(x1)));
    const int iy0 = std::max(0, static_cast<int>(std::floor(y0))),
              iy1 = std::min(h_ - 1, static_cast<int>(std::ceil(y1)));
    for (int y = iy0; y <= iy1; ++y) {
      for (int x = ix0; x <= ix1; ++x) {
        int hits = 0;
        for (float sy : {0.25f, 0.75f}) {
          for (float sx : {0.25f, 0.75f}) hits += inside(x + sx, y + sy) ? 1 : 0;
        }
        if (hits == 0) continue;
        const float a = opacity * hits / 4.f;
        const Rgb c = colour(x + 0.5f, y + 0.5f);
        Rgb& p = at(x, y);
        for (int k = 0; k < 3; ++k) p[k] += (c[k] - p[k]) * a;
      }
    }
  }

 private:
  int w_, h_;
  std::vector<Rgb> px_;
};

Rgb random_colour(Rng& r) {
  return {static_cast<float>(r.uniform(0, 255)), static_cast<float>(r.uniform(0, 255)),
          static_cast<float>(r.uniform(0, 255))};
}

// Skin tones (hard negatives) and mask colours (patches that are no mask).
const std::array<Rgb, 6> kSkinTones = {Rgb{241, 194, 160}, Rgb{224, 172, 125}, Rgb{198, 134, 94},
                                       Rgb{141, 85, 56},   Rgb{110, 66, 42},   Rgb{233, 190, 170}};
const std::array<Rgb, 5> kMaskColours = {Rgb{160, 200, 230}, Rgb{235, 240, 245}, Rgb{30, 30, 35},
                                         Rgb{120, 190, 210}, Rgb{70, 90, 160}};

void draw_clutter(SceneCanvas& c, Rng& r) {
  const float w = static_cast<float>(c.width()), h = static_cast<float>(c.height());
  // Background: a gradient between two colours along a random direction.
  const Rgb a = random_colour(r), b = random_colour(r);
  const float dir = static_cast<float>(r.uniform(0, 6.2832));
  const float dx = std::cos(dir), dy = std::sin(dir), span = std::abs(dx) * w + std::abs(dy) * h;
  for (int y = 0; y < c.height(); ++y) {
    for (int x = 0; x < c.width(); ++x) {
      const float t = std::clamp(((x - w / 2) * dx + (y - h / 2) * dy) / span + 0.5f, 0.f, 1.f);
      for (int k = 0; k < 3; ++k) c.at(x, y)[k] = a[k] + (b[k] - a[k]) * t;
    }
  }
  const int shapes = 8 + static_cast<int>(r.below(20));
  for (int i = 0; i < shapes; ++i) {
    const double kind = r.uniform();
    Rgb col = random_colour(r);
    if (kind < 0.1)
      col = kSkinTones[r.below(kSkinTones.size())];
    else if (kind < 0.18)
      col = kMaskColours[r.below(kMaskColours.size())];
    const float cx = static_cast<float>(r.uniform(0, w)), cy = static_cast<float>(r.uniform(0, h));
    const float rx = static_cast<float>(r.uniform(0.02, 0.3) * w),
                ry = static_cast<float>(r.uniform(0.02, 0.3) * h);
    const float opacity = static_cast<float>(r.uniform(0.5, 1.0));
    const auto solid = [col](float, float) { return col; };
    switch (r.below(4)) {
      case 0:  // ellipse (a skin-coloured one is a face-less blob)
        c.paint(
            cx - rx, cy - ry, cx + rx, cy + ry,
            [=](float x, float y) {
              const float u = (x - cx) / rx, v = (y - cy) / ry;
              return u * u + v * v <= 1.f;
            },
            solid, opacity);
        break;
      case 1:  // rectangle
        c.paint(
            cx - rx, cy - ry, cx + rx, cy + ry, [](float, float) { return true; }, solid, opacity);
        break;
      case 2: {  // striped rectangle: windows, fences, shelves
        const Rgb second = random_colour(r);
        const float period = static_cast<float>(r.uniform(3, 16));
        const bool vertical = r.chance(0.5);
        c.paint(
            cx - rx, cy - ry, cx + rx, cy + ry, [](float, float) { return true; },
            [=](float x, float y) {
              const float t = std::fmod((vertical ? x : y) / period, 1.f);
              return t < 0.5f ? col : second;
            },
            opacity);
        break;
      }
      default: {  // thick line: poles, cables, branches
        const float x2 = static_cast<float>(r.uniform(0, w)),
                    y2 = static_cast<float>(r.uniform(0, h));
        const float t = static_cast<float>(r.uniform(1, 6));
        const float ex = x2 - cx, ey = y2 - cy, len2 = ex * ex + ey * ey + 1e-6f;
        c.paint(
            std::min(cx, x2) - t, std::min(cy, y2) - t, std::max(cx, x2) + t, std::max(cy, y2) + t,
            [=](float x, float y) {
              const float s = std::clamp(((x - cx) * ex + (y - cy) * ey) / len2, 0.f, 1.f);
              const float qx = x - (cx + s * ex), qy = y - (cy + s * ey);
              return qx * qx + qy * qy <= t * t;
            },
            solid, opacity);
        break;
      }
    }
  }
}

bool overlaps(const detect::Box& a, const detect::Box& b, float margin) {
  return a.x1 < b.x2 + margin && b.x1 < a.x2 + margin && a.y1 < b.y2 + margin &&
         b.y1 < a.y2 + margin;
}

// The person's pixels through its coverage, onto the scene at integer offset (ox, oy).
void paste(SceneCanvas& c, const SyntheticPerson& p, int ox, int oy) {
  const int n = p.image.width;
  for (int y = 0; y < n; ++y) {
    const int sy = oy + y;
    if (sy < 0 || sy >= c.height()) continue;
    // The body is cut by the crop's bottom edge: fade the last rows so it ends softly.
    const float fade = std::min(1.f, (n - y) / std::max(1.f, 0.12f * n));
    for (int x = 0; x < n; ++x) {
      const int sx = ox + x;
      if (sx < 0 || sx >= c.width()) continue;
      const size_t i = static_cast<size_t>(y) * n + x;
      const float a = p.coverage[i] * fade;
      if (a <= 0) continue;
      Rgb& d = c.at(sx, sy);
      for (int k = 0; k < 3; ++k) d[k] += (p.image.pixels[3 * i + k] - d[k]) * a;
    }
  }
}

void check_options(const SyntheticSceneOptions& o) {
  if (o.width < 32 || o.height < 32 || o.min_faces < 1 || o.min_faces > o.max_faces ||
      !(o.min_face_size >= 10) || !(o.min_face_size <= o.max_face_size)) {
    throw DataError(
        "synthetic scenes: need width, height >= 32, 1 <= min_faces <= max_faces and "
        "10 <= min_face_size <= max_face_size");
  }
}

}  // namespace

SyntheticScene render_synthetic_scene(uint64_t seed, uint64_t index,
                                      const SyntheticSceneOptions& o) {
  check_options(o);
  // Separate streams for background, faces and noise: the background alone (draw_faces off) is
  // the same background.
  Rng background(seed ^ 0x5ce7e5ce7eULL, index), r(seed ^ 0xfacefacefULL, index),
      noise(seed ^ 0x2015e2015eULL, index);
  SceneCanvas canvas(o.width, o.height);
  draw_clutter(canvas, background);

  SyntheticScene scene;
  std::vector<detect::Box> face_boxes;
  const int faces = o.min_faces + static_cast<int>(r.below(o.max_faces - o.min_faces + 1));
  const double log_lo = std::log(o.min_face_size), log_hi = std::log(o.max_face_size);
  for (int f = 0; f < faces; ++f) {
    const double kind = r.uniform();
    const bool incorrect = kind < o.incorrect_fraction;
    const bool masked = !incorrect && r.chance(0.5);
    const MaskWear wear = incorrect ? MaskWear::below_nose
                          : masked  ? MaskWear::correct
                                    : MaskWear::none;
    const int32_t label = incorrect ? kMaskWearedIncorrectLabel
                          : masked  ? kWithMaskLabel
                                    : kWithoutMaskLabel;
    const double face_width = std::exp(r.uniform(log_lo, log_hi));
    // The renderer's face is about 0.64 of its crop wide (half-width 0.29-0.35 of the size).
    const int crop = std::max(16, static_cast<int>(std::lround(face_width / 0.64)));
    const uint64_t person_seed = seed ^ 0xfacef00dULL;
    const uint64_t person_index = index * 64 + static_cast<uint64_t>(f);
    const SyntheticPerson person = render_synthetic_person(person_seed, person_index, wear, crop);
    const detect::Box& fb = person.face_box;
    // Offsets that keep the whole face box inside the scene.
    const int x_lo = static_cast<int>(std::ceil(-fb.x1)),
              x_hi = static_cast<int>(std::floor(o.width - fb.x2));
    const int y_lo = static_cast<int>(std::ceil(-fb.y1)),
              y_hi = static_cast<int>(std::floor(o.height - fb.y2));
    if (x_lo > x_hi || y_lo > y_hi) continue;  // a face larger than the scene
    for (int attempt = 0; attempt < 30; ++attempt) {
      const int ox = x_lo + static_cast<int>(r.below(static_cast<uint64_t>(x_hi - x_lo + 1)));
      const int oy = y_lo + static_cast<int>(r.below(static_cast<uint64_t>(y_hi - y_lo + 1)));
      const detect::Box crop_box{static_cast<float>(ox), static_cast<float>(oy),
                                 static_cast<float>(ox + crop), static_cast<float>(oy + crop)};
      bool free = true;
      for (const detect::Box& earlier : face_boxes)
        free = free && !overlaps(crop_box, earlier, 1.f);
      if (!free) continue;
      if (o.draw_faces) paste(canvas, person, ox, oy);
      const detect::Box box{fb.x1 + ox, fb.y1 + oy, fb.x2 + ox, fb.y2 + oy};
      face_boxes.push_back(box);
      scene.boxes.push_back({box, label, false});
      scene.faces.push_back({person_seed, person_index, wear, crop, ox, oy});
      break;
    }
  }
  // Sensor noise over the whole scene, so pasted faces and background share its grain.
  const float sigma = o.noise ? static_cast<float>(noise.uniform(0, 5)) : 0.f;
  RgbImage& img = scene.image;
  img.width = o.width;
  img.height = o.height;
  img.pixels.resize(static_cast<size_t>(o.width) * o.height * 3);
  for (int y = 0; y < o.height; ++y) {
    for (int x = 0; x < o.width; ++x) {
      for (int k = 0; k < 3; ++k) {
        const float v = canvas.at(x, y)[k] + sigma * static_cast<float>(noise.normal());
        img.pixels[(static_cast<size_t>(y) * o.width + x) * 3 + k] =
            static_cast<uint8_t>(std::lround(std::clamp(v, 0.f, 255.f)));
      }
    }
  }
  return scene;
}

DetectionDataset make_synthetic_scenes(size_t count, uint64_t seed,
                                       const SyntheticSceneOptions& options) {
  check_options(options);  // before the threads, which must not throw
  DetectionDataset ds;
  ds.classes = face_mask_classes();
  ds.samples.resize(count);
  std::atomic<size_t> next{0};
  const size_t n_threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                            std::max<size_t>(count, 1));
  std::vector<std::thread> workers;
  for (size_t t = 0; t < n_threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < count;) {
        SyntheticScene scene = render_synthetic_scene(seed, i, options);
        DetectionSample& s = ds.samples[i];
        s.width = scene.image.width;
        s.height = scene.image.height;
        s.boxes = std::move(scene.boxes);
        s.pixels = std::make_shared<const RgbImage>(std::move(scene.image));
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return ds;
}

}  // namespace cnn::data
