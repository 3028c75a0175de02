// The built-in synthetic face-mask set: procedurally drawn faces with and without masks, so the
// example trains with no download. Every image is a pure function of (seed, index, size).
//
// What varies (so that no single pixel or mean colour gives the label away; tests/data checks
// that such classifiers stay below 80%): skin tone, face shape and size, position, head tilt,
// eyes, brows, nose, mouth, beard, glasses, hair style and colour, hats, ears, neck and shirt,
// background gradient and clutter (which includes mask-coloured shapes), lighting direction and
// strength, colour cast, sensor noise. Masks: surgical (pleats, nose wire; light blue, white,
// teal or black), cloth (solid, stripes, dots, plaid, two-tone) and N95-like (with or without a
// valve), light and dark but never of a skin tone's hue nor red like lips; a darker edge; straps;
// coverage from the nose bridge to just under the nose. Hard negatives without a mask: beards,
// scarves and collars below the chin.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cnn/data/dataset.h"
#include "cnn/data/image.h"
#include "cnn/detect/boxes.h"

namespace cnn::data {

// Class names and labels of the synthetic set (ImageFolder order: sorted names).
inline constexpr const char* kWithMask = "with_mask";
inline constexpr const char* kWithoutMask = "without_mask";
inline constexpr int32_t kWithMaskLabel = 0;
inline constexpr int32_t kWithoutMaskLabel = 1;

// requires: size >= 16. The same (seed, index, with_mask, size) always gives the same pixels.
RgbImage render_synthetic_face(uint64_t seed, uint64_t index, bool with_mask, int size);

// How a rendered face wears its mask. below_nose (the nose uncovered, the mask over the mouth or
// the chin) is the detector's mask_weared_incorrect; its other draws equal those of correct.
enum class MaskWear { none, correct, below_nose };

// One rendered face with what pasting it into a scene needs (synthetic_scenes.h).
struct SyntheticPerson {
  // size x size, as render_synthetic_face.
  RgbImage image;
  // size*size values in [0, 1]: the person (hair, head, neck, clothes), not the crop's background.
  std::vector<float> coverage;
  // The face outline (cheeks, forehead to chin) in image pixels, clipped to the crop.
  detect::Box face_box;
};

// requires: size >= 16. render_synthetic_face(s, i, m, n) == render_synthetic_person(s, i,
// m ? MaskWear::correct : MaskWear::none, n).image.
SyntheticPerson render_synthetic_person(uint64_t seed, uint64_t index, MaskWear wear, int size);

// `count` images, alternating with_mask / without_mask (index i has a mask when i is even), so
// the classes are balanced. Rendering runs on all hardware threads.
ImageDataset make_synthetic_dataset(size_t count, uint64_t seed, int size = 100);

// Writes the set as PNG files in the ImageFolder layout: DIR/with_mask/NNNNNN.png and
// DIR/without_mask/NNNNNN.png. Throws DataError if DIR cannot be written.
void write_synthetic_folder(const std::string& dir, size_t count, uint64_t seed, int size = 100);

}  // namespace cnn::data
