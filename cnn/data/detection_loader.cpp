// Detection batches on top of BatchPrefetcher (see detection_loader.h).
#include "cnn/data/detection_loader.h"

#include <algorithm>

#include "cnn/data/data_loader.h"
#include "cnn/data/rng.h"
#include "cnn/error.h"

namespace cnn::data {
namespace {

size_t floats_per_image(int image_size) {
  check(image_size > 0,
        "DetectionLoader: image_size must be positive, got " + std::to_string(image_size));
  return static_cast<size_t>(image_size) * image_size * 3;
}

std::string describe(const DetectionSample& s) {
  return s.image_path.empty() ? std::string("an in-memory image") : "'" + s.image_path + "'";
}

}  // namespace

AugmentedSample letterbox_sample(const DetectionSample& sample, int image_size, uint8_t fill) {
  const DecodeResult decoded = load_sample_image(sample);
  if (!decoded.ok()) {
    throw DataError("cannot decode " + describe(sample) + ": " + decoded.skip_reason);
  }
  return letterbox(decoded.image, sample.boxes, image_size, nullptr, fill);
}

DetectionLoader::DetectionLoader(const DetectionDataset& dataset, std::vector<size_t> indices,
                                 DetectionLoaderOptions options)
    : dataset_(dataset),
      options_(options),
      prefetcher_(
          std::move(indices), floats_per_image(options.image_size), prefetch_options_of(options),
          [this](size_t slot, const size_t* idx, size_t count, uint64_t epoch, float* out) {
            fill(slot, idx, count, epoch, out);
          },
          "DetectionLoader") {
  for (size_t i : prefetcher_.indices()) {
    check(i < dataset_.size(), "DetectionLoader: index " + std::to_string(i) +
                                   " outside a dataset of " + std::to_string(dataset_.size()) +
                                   " images");
  }
  const DetectionAugmentOptions& a = options_.augment_options;
  check(!options_.augment || (a.zoom_min > 0 && a.zoom_min <= a.zoom_max),
        "DetectionLoader: augmentation needs 0 < zoom_min <= zoom_max, got " +
            std::to_string(a.zoom_min) + ", " + std::to_string(a.zoom_max));
  slots_.resize(prefetcher_.num_slots());
}

void DetectionLoader::fill(size_t slot, const size_t* idx, size_t count, uint64_t epoch,
                           float* out) {
  const int s = options_.image_size;
  const size_t per_image = floats_per_image(s);
  SlotData& side = slots_[slot];
  side.boxes.assign(count, {});
  side.transforms.assign(count, {});
  side.error.clear();
  for (size_t i = 0; i < count; ++i) {
    const DetectionSample& sample = dataset_.samples[idx[i]];
    // Runs on the producer thread: a failure is reported by next(), never thrown here.
    try {
      const DecodeResult decoded = load_sample_image(sample);
      if (!decoded.ok())
        throw DataError("cannot decode " + describe(sample) + ": " + decoded.skip_reason);
      AugmentedSample a;
      if (options_.augment) {
        // One stream per (epoch, image): independent of batch composition and thread timing.
        Rng rng(options_.seed ^ 0x5eed0de7ULL, epoch * 0x100000000ULL + idx[i]);
        a = augment_and_letterbox(decoded.image, sample.boxes, s, options_.augment_options, rng);
      } else {
        a = letterbox(decoded.image, sample.boxes, s, nullptr, options_.fill);
      }
      image_to_chw(a.image.pixels.data(), s, s, out + i * per_image);
      side.boxes[i] = std::move(a.boxes);
      side.transforms[i] = a.transform;
    } catch (const std::exception& e) {
      if (side.error.empty()) side.error = e.what();
      std::fill(out + i * per_image, out + (i + 1) * per_image, options_.fill / 255.0f);
    }
  }
}

bool DetectionLoader::next(DetectionBatch* batch) {
  size_t slot = 0;
  const int s = options_.image_size;
  if (!prefetcher_.next({3, s, s}, &batch->images, &batch->indices, &slot)) return false;
  SlotData& side = slots_[slot];
  if (!side.error.empty()) throw DataError("DetectionLoader: " + side.error);
  batch->boxes = std::move(side.boxes);
  batch->transforms = std::move(side.transforms);
  return true;
}

}  // namespace cnn::data
