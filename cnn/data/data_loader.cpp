// Background-prefetching data loader (see data_loader.h).
#include "cnn/data/data_loader.h"

#include "cnn/data/rng.h"
#include "cnn/error.h"

namespace cnn::data {

void image_to_chw(const uint8_t* hwc, int width, int height, float* chw) {
  const size_t plane = static_cast<size_t>(width) * height;
  for (size_t p = 0; p < plane; ++p) {
    for (size_t c = 0; c < 3; ++c) chw[c * plane + p] = hwc[3 * p + c] * (1.0f / 255.0f);
  }
}

Tensor images_to_tensor(const ImageDataset& dataset, const std::vector<size_t>& indices) {
  Tensor t =
      Tensor::empty({static_cast<int64_t>(indices.size()), 3, dataset.height, dataset.width});
  const size_t per_image = dataset.image_bytes();
  for (size_t i = 0; i < indices.size(); ++i) {
    image_to_chw(dataset.image(indices[i]), dataset.width, dataset.height,
                 t.data() + i * per_image);
  }
  return t;
}

DataLoader::DataLoader(const ImageDataset& dataset, std::vector<size_t> indices,
                       DataLoaderOptions options)
    : dataset_(dataset),
      options_(options),
      prefetcher_(
          std::move(indices), dataset.image_bytes(), prefetch_options_of(options),
          [this](size_t, const size_t* idx, size_t count, uint64_t epoch, float* out) {
            fill(idx, count, epoch, out);
          },
          "DataLoader") {
  for (size_t i : prefetcher_.indices()) {
    check(i < dataset_.size(), "DataLoader: index " + std::to_string(i) + " outside a dataset of " +
                                   std::to_string(dataset_.size()) + " images");
  }
}

void DataLoader::fill(const size_t* idx, size_t count, uint64_t epoch, float* out) const {
  const int w = dataset_.width, h = dataset_.height;
  const size_t per_image = dataset_.image_bytes();
  std::vector<uint8_t> scratch(options_.augment ? per_image : 0);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* src = dataset_.image(idx[i]);
    if (options_.augment) {
      // One stream per (epoch, image): independent of batch composition and thread timing.
      Rng rng(options_.seed ^ 0xa5a5a5a5ULL, epoch * 0x100000000ULL + idx[i]);
      augment_image(src, w, h, options_.augment_options, rng, scratch.data());
      src = scratch.data();
    }
    image_to_chw(src, w, h, out + i * per_image);
  }
}

bool DataLoader::next(Batch* batch) {
  size_t slot = 0;
  if (!prefetcher_.next({3, dataset_.height, dataset_.width}, &batch->images, &batch->indices,
                        &slot)) {
    return false;
  }
  batch->labels.clear();
  for (size_t i : batch->indices) batch->labels.push_back(dataset_.labels[i]);
  return true;
}

}  // namespace cnn::data
