// Training-time augmentation on uint8 HWC images, off by default: random horizontal flip and a
// small random translation (a crop of the image padded by edge replication, i.e. "small random
// crops" that keep the size). Both are label-preserving for faces.
#pragma once

#include <cstdint>

namespace cnn::data {

class Rng;

struct AugmentOptions {
  bool flip = true;         // horizontal flip with probability 1/2
  float max_shift = 0.08f;  // translation up to this fraction of the side, each axis
};

// requires: src and dst hold width*height*3 bytes and do not alias.
void augment_image(const uint8_t* src, int width, int height, const AugmentOptions& options,
                   Rng& rng, uint8_t* dst);

}  // namespace cnn::data
