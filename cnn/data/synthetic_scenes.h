// The built-in synthetic detection set: scenes with several faces from the synthetic face
// generator (synthetic.h), pasted at random sizes and positions on cluttered backgrounds, with
// exact boxes. The mask detector trains on it when no --data is given, so it runs with no
// download. Every scene is a pure function of (seed, index, options), generated in memory.
//
// Choices that matter:
//   - Each face is rendered at the size its box should have and pasted through the person's
//     coverage (hair, head, neck, clothes; not the face crop's own background), so no square
//     patch edge gives a face away. Its box is the renderer's face outline (cheeks, forehead to
//     chin) moved to where it was pasted: exact, not estimated.
//   - Face widths are log-uniform in [min_face_size, max_face_size]: small faces are as common
//     as in street photographs (facemask-detect: many are 20-50 px).
//   - A face is only placed where its whole crop covers no earlier face box, so later faces
//     never hide earlier ones and every box is fully visible; a face that finds no such place in
//     30 tries is left out (a crowded scene holds fewer than max_faces).
//   - The clutter includes skin-coloured blobs and mask-coloured patches with no face, so
//     "skin colour" or "light blue" alone is no detector.
//   - Labels are face_mask_classes() indices (with_mask 0, without_mask 1,
//     mask_weared_incorrect 2), the same as the real set's.
#pragma once

#include <cstdint>
#include <vector>

#include "cnn/data/detection_dataset.h"
#include "cnn/data/image.h"
#include "cnn/data/synthetic.h"

namespace cnn::data {

inline constexpr int32_t kMaskWearedIncorrectLabel = 2;

struct SyntheticSceneOptions {
  int width = 400, height = 300;  // the median photograph of facemask-detect is 400x280
  int min_faces = 1, max_faces = 6;
  float min_face_size = 16, max_face_size = 120;  // face box width, pixels
  // Share of faces wearing the mask below the nose (mask_weared_incorrect); the rest are
  // with_mask and without_mask in equal shares.
  float incorrect_fraction = 0.0f;
  // false: the same scene without pasting the faces (boxes still listed): the background alone,
  // for tests that check where faces were pasted.
  bool draw_faces = true;
  bool noise = true;  // sensor noise over the whole scene (off: pasted pixels are exact copies)
};

// Where a face came from: render_synthetic_person(seed, index, wear, crop) pasted with its
// top-left corner at (x, y). Its box is that person's face_box moved by (x, y).
struct PastedFace {
  uint64_t seed = 0, index = 0;
  MaskWear wear = MaskWear::none;
  int crop = 0;
  int x = 0, y = 0;
};

struct SyntheticScene {
  RgbImage image;
  std::vector<AnnotatedBox> boxes;
  std::vector<PastedFace> faces;  // one per box, same order
};

// requires: width, height >= 32, 1 <= min_faces <= max_faces, 10 <= min_face_size <=
// max_face_size (DataError otherwise).
SyntheticScene render_synthetic_scene(uint64_t seed, uint64_t index,
                                      const SyntheticSceneOptions& options = {});

// `count` scenes held in memory (samples carry their pixels), classes face_mask_classes().
// Rendering runs on all hardware threads; the result does not depend on their number.
DetectionDataset make_synthetic_scenes(size_t count, uint64_t seed,
                                       const SyntheticSceneOptions& options = {});

}  // namespace cnn::data
