// Box-aware augmentation and letterboxing for object detection: horizontal flip, random zoom and
// crop (boxes clipped, boxes mostly cut away dropped), colour jitter (brightness, contrast,
// saturation), and the letterbox that fits an image into the network's square input keeping its
// aspect ratio. Training and prediction use the same resampler, so a network sees the same
// pixels for the same geometry.
//
// Choices that matter:
//   - Every geometric step is an axis-aligned affine map of continuous pixel coordinates
//     (x' = scale_x * x + offset_x, same for y; a flip has scale -1), so the steps compose into one
//     AxisTransform and the image is resampled once, from the original pixels into the SxS
//     input. Boxes go through the very same map, which is why they stay exact.
//   - Resampling: output pixel centre i + 0.5 maps back to a source coordinate; a tent filter of
//     radius max(1, 1/|scale|) source pixels weighs the source pixel centres (bilinear when
//     enlarging, an area-like average when shrinking, so small faces do not alias), edges
//     clamped. An integer shift or a flip maps centres onto centres: those are exact copies.
//   - Only pixels whose centre lies in the "valid" output region (where the image, after crop,
//     lands) are sampled; the rest is the fill colour (114 grey, as YOLOv5). A zoomed-in crop
//     therefore never shows image content outside the crop, where boxes were cut away.
//   - Draws come from the caller's Rng (cnn/data/rng.h): a loader seeds one per (epoch, image),
//     so a sample's augmentation never depends on batch composition or thread timing.
#pragma once

#include <cstdint>
#include <vector>

#include "cnn/data/detection_dataset.h"
#include "cnn/data/image.h"
#include "cnn/detect/boxes.h"

namespace cnn::data {

class Rng;

// x' = scale_x * x + offset_x, y' = scale_y * y + offset_y (continuous pixel coordinates).
struct AxisTransform {
  float scale_x = 1, offset_x = 0, scale_y = 1, offset_y = 0;

  static AxisTransform from_letterbox(const detect::Letterbox& letterbox);
  // The mapped box, corners re-ordered when a scale is negative (a flip).
  detect::Box apply(const detect::Box& box) const;
  // This map followed by `next`.
  AxisTransform then(const AxisTransform& next) const;
  // requires: scales != 0.
  AxisTransform inverse() const;
};

// Resamples `src` through `transform` (source pixels -> output pixels) into a width x height
// image. Output pixels whose centre lies outside `valid` (output pixels) get `fill`.
// requires: transform scales != 0, width > 0, height > 0.
RgbImage warp_image(const RgbImage& src, const AxisTransform& transform, int width, int height,
                    const detect::Box& valid, uint8_t fill);

// An image with its boxes, and the map from the original image's pixels to this image's.
struct AugmentedSample {
  RgbImage image;
  std::vector<AnnotatedBox> boxes;
  AxisTransform transform;
};

// Mirror image left-right, boxes with it. Exact: applying it twice gives the input back.
AugmentedSample flip_horizontal(const RgbImage& image, const std::vector<AnnotatedBox>& boxes);

// Zoom by `zoom` about the crop origin: the output has the input's size and shows the source
// window [origin_x, origin_x + width/zoom] x [origin_y, origin_y + height/zoom] (zoom > 1 crops in;
// zoom < 1 shrinks the image into a fill-coloured frame, origin then negative). Boxes are clipped
// to the output; a box keeping less than `min_visible` of its area is dropped.
AugmentedSample scale_crop(const RgbImage& image, const std::vector<AnnotatedBox>& boxes,
                           float zoom, float origin_x, float origin_y, float min_visible,
                           uint8_t fill = 114);

// Multiplies brightness, then contrast (about the region's mean grey), then saturation (about
// each pixel's grey) by the given factors, inside `region` only (output pixels, e.g. not the
// letterbox padding). Factors of 1 leave the image unchanged.
void color_jitter(RgbImage* image, const detect::Box& region, float brightness, float contrast,
                  float saturation);

// Fits the image into size x size keeping its aspect ratio (cnn::detect::Letterbox::fit, centred),
// boxes with it; transform (and *letterbox when given) map predictions back.
AugmentedSample letterbox(const RgbImage& image, const std::vector<AnnotatedBox>& boxes, int size,
                          detect::Letterbox* letterbox = nullptr, uint8_t fill = 114);
// The same for any detect::Letterbox geometry (e.g. Letterbox::fit_rectangle): the image is
// letterbox.input_width x input_height.
AugmentedSample letterbox(const RgbImage& image, const std::vector<AnnotatedBox>& boxes,
                          const detect::Letterbox& letterbox, uint8_t fill = 114);

struct DetectionAugmentOptions {
  bool flip = true;          // horizontal flip with probability 1/2
  float zoom_min = 0.7f;     // zoom drawn uniformly in [zoom_min, zoom_max], see scale_crop;
  float zoom_max = 1.4f;     // the crop window's position uniformly wherever it fits
  float min_visible = 0.4f;  // see scale_crop
  float brightness = 0.3f;   // each factor drawn uniformly in [1 - x, 1 + x]; 0 = off
  float contrast = 0.3f;
  float saturation = 0.4f;
  uint8_t fill = 114;
};

// Training augmentation: random flip, zoom/crop and colour jitter, then letterbox into
// size x size, with a single resampling of the original pixels. result.transform maps original
// image pixels to input pixels; result.boxes are in input pixels.
AugmentedSample augment_and_letterbox(const RgbImage& image, const std::vector<AnnotatedBox>& boxes,
                                      int size, const DetectionAugmentOptions& options, Rng& rng);

}  // namespace cnn::data
