// DetectionLoader: batches for an object detector from a DetectionDataset: images decoded,
// augmented (optionally) and letterboxed into [B,3,S,S] float tensors in [0,1], plus each image's
// boxes in input pixels and the map back to its original pixels.
//
// Choices that matter:
//   - The background thread, seeded epoch order, pinned buffers and upload are BatchPrefetcher's,
//     shared with DataLoader; the augmentation draws of image i in epoch e come from
//     Rng(seed ^ const, e * 2^32 + i), so a batch is a pure function of (seed, epoch, index).
//   - Images are decoded per batch on the producer thread (a detection set at full resolution
//     would be hundreds of MB as uint8); in-memory samples (the synthetic scenes) are used as
//     they are. The readers have already decoded every file once, so a decode failure here
//     means the file changed since: next() throws DataError naming it.
//   - Without augmentation the pixels are exactly letterbox() of the image: evaluation and
//     prediction see what training sees, minus the random steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cnn/data/batch_prefetcher.h"
#include "cnn/data/detection_augment.h"
#include "cnn/data/detection_dataset.h"
#include "cnn/device.h"
#include "cnn/tensor.h"

namespace cnn::data {

struct DetectionLoaderOptions {
  size_t batch_size = 16;
  bool shuffle = true;
  bool drop_last = false;
  uint64_t seed = 0;
  int image_size = 416;  // S: the network's square input
  bool augment = false;
  DetectionAugmentOptions augment_options;
  uint8_t fill = 114;  // letterbox padding (augment_options.fill when augmenting)
  Device device = Device::cpu();
  size_t prefetch = 2;  // batches prepared ahead of the consumer
};

struct DetectionBatch {
  Tensor images;                                 // [B,3,S,S] on options.device
  std::vector<std::vector<AnnotatedBox>> boxes;  // per image, in input pixels
  std::vector<AxisTransform> transforms;         // per image: original pixels -> input pixels
  std::vector<size_t> indices;                   // per image: dataset index
};

class DetectionLoader {
 public:
  // The dataset must outlive the loader. indices selects the samples (e.g. a split).
  DetectionLoader(const DetectionDataset& dataset, std::vector<size_t> indices,
                  DetectionLoaderOptions options);
  DetectionLoader(const DetectionLoader&) = delete;
  DetectionLoader& operator=(const DetectionLoader&) = delete;

  size_t size() const { return prefetcher_.size(); }  // images per epoch
  size_t num_batches() const { return prefetcher_.num_batches(); }
  // Starts producing epoch `epoch` (0-based), abandoning any batches left from the previous one.
  void start_epoch(uint64_t epoch) { prefetcher_.start_epoch(epoch); }
  // The next batch of the current epoch; false when the epoch is exhausted. Throws DataError
  // when an image of the batch could not be decoded.
  bool next(DetectionBatch* batch);

 private:
  // Side data of one prefetch buffer (see BatchPrefetcher): written by the producer.
  struct SlotData {
    std::vector<std::vector<AnnotatedBox>> boxes;
    std::vector<AxisTransform> transforms;
    std::string error;
  };
  void fill(size_t slot, const size_t* idx, size_t count, uint64_t epoch, float* out);

  const DetectionDataset& dataset_;
  DetectionLoaderOptions options_;
  std::vector<SlotData> slots_;
  BatchPrefetcher prefetcher_;  // last: its thread calls fill(), which uses the members above
};

// The batch pixels and boxes of one sample exactly as DetectionLoader makes them (no
// augmentation): for prediction on single images and for tests.
AugmentedSample letterbox_sample(const DetectionSample& sample, int image_size, uint8_t fill = 114);

}  // namespace cnn::data
