// Training-time augmentation on uint8 HWC images, off by default: random horizontal flip and a
// small random translation (a crop of the image padded by edge replication, i.e. "small random
// crops" that keep the size), then optionally a low-resolution round trip and colour jitter. All
// are label-preserving for faces.
//
// Choices that matter:
//   - The low-resolution round trip (shrink by area averaging to a random side, enlarge back
//     bilinearly) imitates a small face cut from a street photo and enlarged to the network's
//     input: the blur and blockiness a classifier trained on close-up portraits never sees.
//   - A step that is off draws nothing from the generator, so turning a new option off gives
//     exactly the images (and random streams) of the flips-and-shifts augmentation.
#pragma once

#include <cstdint>

namespace cnn::data {

class Rng;

struct AugmentOptions {
  bool flip = true;         // horizontal flip with probability 1/2
  float max_shift = 0.08f;  // translation up to this fraction of the side, each axis
  // With this probability, shrink to a random side in [low_resolution_min_side, side) (the same
  // factor on both axes) and enlarge back. 0: off.
  float low_resolution = 0.f;
  int low_resolution_min_side = 16;
  // Brightness, contrast and saturation, each multiplied by a factor drawn uniformly in
  // [1 - colour, 1 + colour], in that order (contrast and saturation about the image's mean
  // grey and each pixel's grey). 0: off; requires 0 <= colour < 1.
  float colour = 0.f;
};

// requires: src and dst hold width*height*3 bytes and do not alias; width, height > 0.
void augment_image(const uint8_t* src, int width, int height, const AugmentOptions& options,
                   Rng& rng, uint8_t* dst);

// The two photometric steps on their own, in place (exposed for tests).
// shrink_and_enlarge: area-average to small_width x small_height (each in [1, side]), then
// bilinear (half-pixel centres, edges clamped) back to width x height.
void shrink_and_enlarge(uint8_t* image, int width, int height, int small_width, int small_height);
// colour_jitter: factors > 0; 1, 1, 1 leaves the image unchanged.
void colour_jitter(uint8_t* image, int width, int height, float brightness, float contrast,
                   float saturation);

}  // namespace cnn::data
