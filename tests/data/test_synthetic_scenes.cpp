// Synthetic detection scenes: faces are where their boxes say (the scene minus its own background
// is non-zero only around the boxes, and solid inside them), boxes are inside the image and never
// overlap, labels follow the requested shares, and everything is a pure function of the seed.
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/data/synthetic.h"
#include "cnn/data/synthetic_scenes.h"

using namespace cnn::data;
using cnn::detect::Box;

namespace {

bool pixel_differs(const RgbImage& a, const RgbImage& b, int x, int y) {
  const size_t i = (static_cast<size_t>(y) * a.width + x) * 3;
  // Noise is the same draw in both renders, so untouched pixels are equal to the byte.
  return a.pixels[i] != b.pixels[i] || a.pixels[i + 1] != b.pixels[i + 1] ||
         a.pixels[i + 2] != b.pixels[i + 2];
}

}  // namespace

TEST_CASE("a rendered person: the face box sits in the crop, covered by the person",
          "[data][scenes]") {
  for (uint64_t i = 0; i < 12; ++i) {
    const int size = 24 + static_cast<int>(i) * 9;
    const MaskWear wear = i % 3 == 0   ? MaskWear::none
                          : i % 3 == 1 ? MaskWear::correct
                                       : MaskWear::below_nose;
    const SyntheticPerson p = render_synthetic_person(3, i, wear, size);
    REQUIRE(p.image.width == size);
    REQUIRE(p.coverage.size() == static_cast<size_t>(size) * size);
    const Box& b = p.face_box;
    CHECK(b.x1 >= 0);
    CHECK(b.y1 >= 0);
    CHECK(b.x2 <= size);
    CHECK(b.y2 <= size);
    CHECK(b.width() > 0.5f * size);  // the renderer's face is about 0.64 of the crop wide
    CHECK(b.width() < 0.85f * size);
    // The face outline is an ellipse in its box: the person covers at least its pi/4 share.
    size_t covered = 0, total = 0;
    for (int y = static_cast<int>(std::ceil(b.y1)); y + 1 <= b.y2; ++y) {
      for (int x = static_cast<int>(std::ceil(b.x1)); x + 1 <= b.x2; ++x) {
        ++total;
        covered += p.coverage[static_cast<size_t>(y) * size + x] > 0.99f;
      }
    }
    CHECK(covered >= 0.75 * total);
    // The corners of the crop are the crop's background (people are centred).
    CHECK(p.coverage[0] < 0.5f);
    // The classifier's renderer gives the very same pixels.
    if (wear != MaskWear::below_nose) {
      CHECK(render_synthetic_face(3, i, wear == MaskWear::correct, size).pixels == p.image.pixels);
    }
  }
  // A mask below the nose differs from the same face's correct mask.
  CHECK(render_synthetic_person(3, 5, MaskWear::correct, 80).image.pixels !=
        render_synthetic_person(3, 5, MaskWear::below_nose, 80).image.pixels);
}

TEST_CASE("synthetic scenes: faces are pasted exactly where the boxes are", "[data][scenes]") {
  SyntheticSceneOptions o;
  o.width = 160;
  o.height = 120;
  o.min_faces = 2;
  o.max_faces = 5;
  o.min_face_size = 14;
  o.max_face_size = 50;
  SyntheticSceneOptions background_only = o;
  background_only.draw_faces = false;
  size_t faces = 0;
  for (uint64_t index = 0; index < 10; ++index) {
    const SyntheticScene scene = render_synthetic_scene(42, index, o);
    const SyntheticScene bg = render_synthetic_scene(42, index, background_only);
    REQUIRE(scene.image.width == 160);
    REQUIRE(scene.image.height == 120);
    REQUIRE(scene.boxes.size() == bg.boxes.size());
    REQUIRE(!scene.boxes.empty());
    faces += scene.boxes.size();
    for (size_t k = 0; k < scene.boxes.size(); ++k) {
      const Box& b = scene.boxes[k].box;
      INFO("scene " << index << " box " << cnn::detect::box_str(b));
      CHECK(b.x1 >= 0);
      CHECK(b.y1 >= 0);
      CHECK(b.x2 <= 160);
      CHECK(b.y2 <= 120);
      CHECK(b.width() >= 14 * 0.8f);
      CHECK(b.width() <= 50 * 1.25f);
      const int32_t label = scene.boxes[k].label;
      CHECK((label == kWithMaskLabel || label == kWithoutMaskLabel));
      for (size_t j = 0; j < k; ++j) CHECK(cnn::detect::iou(b, scene.boxes[j].box) == 0);
      // Inside the box's central part the face replaced the background almost everywhere.
      const float mx = 0.25f * b.width(), my = 0.25f * b.height();
      size_t changed = 0, total = 0;
      for (int y = static_cast<int>(b.y1 + my); y < b.y2 - my; ++y) {
        for (int x = static_cast<int>(b.x1 + mx); x < b.x2 - mx; ++x) {
          ++total;
          changed += pixel_differs(scene.image, bg.image, x, y);
        }
      }
      CHECK(changed >= 0.9 * total);
    }
    // Every pasted pixel belongs to some face's person: within its crop. The renderer puts the
    // face centre at 0.43-0.57 of the crop across and 0.42-0.52 down, half-width 0.29-0.35 and
    // half-height 1.2-1.45 times that: the crop extends at most 0.5 face widths beside the box,
    // 0.3 above it and 0.4 below it (tilt only widens the box).
    for (int y = 0; y < 120; ++y) {
      for (int x = 0; x < 160; ++x) {
        if (!pixel_differs(scene.image, bg.image, x, y)) continue;
        bool near_a_face = false;
        for (const AnnotatedBox& a : scene.boxes) {
          const Box& b = a.box;
          const float w = b.width();
          near_a_face |= x + 0.5f > b.x1 - 0.5f * w - 1 && x + 0.5f < b.x2 + 0.5f * w + 1 &&
                         y + 0.5f > b.y1 - 0.3f * w - 1 && y + 0.5f < b.y2 + 0.4f * w + 1;
        }
        INFO("scene " << index << " pixel " << x << "," << y);
        REQUIRE(near_a_face);
      }
    }
  }
  CHECK(faces >= 25);
}

TEST_CASE("synthetic scenes: each box is its pasted person's face box", "[data][scenes]") {
  SyntheticSceneOptions o;
  o.width = 200;
  o.height = 150;
  o.min_faces = 3;
  o.max_faces = 6;
  o.noise = false;  // pasted pixels are then exact copies of the person's
  size_t checked_faces = 0;
  for (uint64_t index = 0; index < 12; ++index) {
    const SyntheticScene scene = render_synthetic_scene(5, index, o);
    REQUIRE(scene.faces.size() == scene.boxes.size());
    for (size_t k = 0; k < scene.faces.size(); ++k) {
      const PastedFace& f = scene.faces[k];
      const SyntheticPerson p = render_synthetic_person(f.seed, f.index, f.wear, f.crop);
      const Box& b = scene.boxes[k].box;
      INFO("scene " << index << " face " << k << " box " << cnn::detect::box_str(b));
      CHECK(b.x1 == p.face_box.x1 + f.x);
      CHECK(b.y1 == p.face_box.y1 + f.y);
      CHECK(b.x2 == p.face_box.x2 + f.x);
      CHECK(b.y2 == p.face_box.y2 + f.y);
      const int32_t want = f.wear == MaskWear::correct ? kWithMaskLabel
                           : f.wear == MaskWear::none  ? kWithoutMaskLabel
                                                       : kMaskWearedIncorrectLabel;
      CHECK(scene.boxes[k].label == want);
      // Inside the box, where the person fully covers, the scene shows the person's pixels.
      size_t same = 0, total = 0;
      for (int y = static_cast<int>(std::ceil(b.y1)); y + 1 <= b.y2; ++y) {
        for (int x = static_cast<int>(std::ceil(b.x1)); x + 1 <= b.x2; ++x) {
          ++total;
          const size_t pi = static_cast<size_t>(y - f.y) * f.crop + (x - f.x);
          if (p.coverage[pi] < 0.999f) continue;
          bool equal = true;
          for (int c = 0; c < 3; ++c) {
            const int s = scene.image.pixels[(static_cast<size_t>(y) * o.width + x) * 3 + c];
            equal = equal && std::abs(s - p.image.pixels[3 * pi + c]) <= 1;
          }
          same += equal;
        }
      }
      CHECK(same >= 0.75 * total);
      ++checked_faces;
    }
  }
  CHECK(checked_faces >= 20);
}

TEST_CASE("synthetic scenes are seed-deterministic and thread-independent", "[data][scenes]") {
  SyntheticSceneOptions o;
  o.width = 96;
  o.height = 64;
  o.max_face_size = 40;
  o.incorrect_fraction = 0.3f;
  const DetectionDataset a = make_synthetic_scenes(6, 9, o);
  const DetectionDataset b = make_synthetic_scenes(6, 9, o);
  const DetectionDataset c = make_synthetic_scenes(6, 10, o);
  CHECK(a.classes == face_mask_classes());
  REQUIRE(a.size() == 6);
  bool any_difference = false;
  for (size_t i = 0; i < 6; ++i) {
    const SyntheticScene one = render_synthetic_scene(9, i, o);  // same as the threaded set
    REQUIRE(a.samples[i].pixels);
    CHECK(a.samples[i].pixels->pixels == one.image.pixels);
    CHECK(b.samples[i].pixels->pixels == one.image.pixels);
    CHECK(a.samples[i].image_path.empty());
    CHECK(a.samples[i].width == 96);
    REQUIRE(a.samples[i].boxes.size() == one.boxes.size());
    for (size_t k = 0; k < one.boxes.size(); ++k) {
      CHECK(a.samples[i].boxes[k].box.x1 == one.boxes[k].box.x1);
      CHECK(a.samples[i].boxes[k].label == one.boxes[k].label);
    }
    any_difference |= c.samples[i].pixels->pixels != one.image.pixels;
    // The sample's image is what the loader uses.
    CHECK(load_sample_image(a.samples[i]).image.pixels == one.image.pixels);
  }
  CHECK(any_difference);

  // Label shares over many faces: about 30% incorrect, the rest split evenly.
  SyntheticSceneOptions many = o;
  many.min_faces = many.max_faces = 6;
  std::vector<size_t> counts(3, 0);
  for (uint64_t i = 0; i < 60; ++i) {
    for (const AnnotatedBox& b : render_synthetic_scene(1, i, many).boxes) ++counts[b.label];
  }
  const double total = static_cast<double>(counts[0] + counts[1] + counts[2]);
  CHECK(counts[2] / total == Approx(0.3).margin(0.08));
  CHECK(counts[0] / total == Approx(0.35).margin(0.08));

  SyntheticSceneOptions bad = o;
  bad.min_face_size = 5;
  CHECK_THROWS_AS(make_synthetic_scenes(2, 1, bad), DataError);
}
