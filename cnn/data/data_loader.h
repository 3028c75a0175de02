// DataLoader: batches of float tensors [B,3,H,W] in [0,1] plus int32 labels from an in-memory
// ImageDataset, prepared on a background thread while the model trains on the previous batch.
//
// Choices that matter:
//   - The order of epoch e is a pure function of (seed, e), and augmentation draws of image i in
//     epoch e are a pure function of (seed, e, i): resuming at epoch e reproduces exactly what an
//     uninterrupted run would have seen, and thread timing never changes a batch.
//   - The prefetch thread, the pinned host buffers and the upload are BatchPrefetcher's (shared
//     with DetectionLoader); this class supplies the fill: uint8 HWC to float CHW (and augment).
//   - The last, partial batch is kept unless drop_last (validation must see every image).
#pragma once

#include <cstdint>
#include <vector>

#include "cnn/data/augment.h"
#include "cnn/data/batch_prefetcher.h"
#include "cnn/data/dataset.h"
#include "cnn/device.h"
#include "cnn/tensor.h"

namespace cnn::data {

struct DataLoaderOptions {
  size_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;
  uint64_t seed = 0;
  bool augment = false;
  AugmentOptions augment_options;
  Device device = Device::cpu();
  size_t prefetch = 2;  // batches prepared ahead of the consumer
};

struct Batch {
  Tensor images;                // [B,3,H,W] on options.device
  std::vector<int32_t> labels;  // B labels
  std::vector<size_t> indices;  // B dataset indices (for reporting which images were wrong)
};

class DataLoader {
 public:
  // The dataset must outlive the loader. indices selects the images (e.g. the training split).
  DataLoader(const ImageDataset& dataset, std::vector<size_t> indices, DataLoaderOptions options);
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  size_t size() const { return prefetcher_.size(); }  // images per epoch
  size_t num_batches() const { return prefetcher_.num_batches(); }
  // Starts producing epoch `epoch` (0-based), abandoning any batches left from the previous one.
  void start_epoch(uint64_t epoch) { prefetcher_.start_epoch(epoch); }
  // The next batch of the current epoch; false when the epoch is exhausted.
  bool next(Batch* batch);

 private:
  void fill(const size_t* idx, size_t count, uint64_t epoch, float* out) const;

  const ImageDataset& dataset_;
  DataLoaderOptions options_;
  BatchPrefetcher prefetcher_;  // last: its thread calls fill(), which reads the members above
};

// Converts one uint8 HWC RGB image to float CHW in [0,1] (the network's input convention).
void image_to_chw(const uint8_t* hwc, int width, int height, float* chw);

// A [N,3,H,W] CPU tensor from images selected by `indices` (prediction and tests).
Tensor images_to_tensor(const ImageDataset& dataset, const std::vector<size_t>& indices);

}  // namespace cnn::data
