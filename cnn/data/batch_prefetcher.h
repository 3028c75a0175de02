// BatchPrefetcher: the mechanism behind every batch loader in cnn/data (DataLoader for classified
// images, DetectionLoader for images with boxes). It owns the seeded epoch order, cuts it into
// batches, and runs a background thread that fills each batch of float pixels into a small pool
// of host buffers while the model trains on the previous batch; next() uploads a filled buffer
// to the target device. What goes into a batch is the loader's business: it supplies a fill
// function.
//
// Choices that matter:
//   - The order of epoch e is a pure function of (seed, e) (the loaders add augmentation draws
//     that are a pure function of (seed, e, index)), so resuming at epoch e reproduces exactly
//     what an uninterrupted run would have seen, and thread timing never changes a batch.
//   - For a CUDA device the host buffers are pinned (cudaMallocHost) and the upload is a
//     cudaMemcpyAsync on libcnn's stream; a buffer is reused only after that stream has passed
//     the copy.
//   - Per-batch side data that is not pixels (labels, boxes) lives with the loader in an array
//     indexed by the buffer's slot: the producer writes slot s while filling buffer s, and the
//     slot stays untouched until the consumer's next call to next(), because its buffer does.
//   - The last, partial batch is kept unless drop_last (validation must see every image).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cnn/device.h"
#include "cnn/tensor.h"

namespace cnn::data {

struct PrefetchOptions {
  size_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;
  uint64_t seed = 0;
  Device device = Device::cpu();
  size_t prefetch = 2;  // batches prepared ahead of the consumer
};

// The PrefetchOptions part of a loader's options (DataLoaderOptions, DetectionLoaderOptions): the
// fields of the same names, so each loader does not copy them out by hand.
template <typename LoaderOptions>
PrefetchOptions prefetch_options_of(const LoaderOptions& o) {
  PrefetchOptions p;
  p.batch_size = o.batch_size;
  p.shuffle = o.shuffle;
  p.drop_last = o.drop_last;
  p.seed = o.seed;
  p.device = o.device;
  p.prefetch = o.prefetch;
  return p;
}

class BatchPrefetcher {
 public:
  // Writes the `count` items with dataset indices idx[0..count) of epoch `epoch` into `out`
  // (count * floats_per_item floats). `slot` in [0, num_slots()) names the buffer being filled,
  // for the caller's per-batch side data. Runs on the producer thread; must not throw.
  using FillFn =
      std::function<void(size_t slot, const size_t* idx, size_t count, uint64_t epoch, float* out)>;

  // `owner` names the loader in error messages ("DataLoader: batch_size must be positive").
  BatchPrefetcher(std::vector<size_t> indices, size_t floats_per_item, PrefetchOptions options,
                  FillFn fill, std::string owner);
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  size_t size() const { return indices_.size(); }  // items per epoch
  const std::vector<size_t>& indices() const { return indices_; }
  size_t num_batches() const;
  size_t num_slots() const { return buffers_.size(); }
  const PrefetchOptions& options() const { return options_; }

  // Starts producing epoch `epoch` (0-based), abandoning any batches left from the previous one.
  void start_epoch(uint64_t epoch);
  // The next batch of the current epoch; false when the epoch is exhausted. On true, *data is a
  // tensor [count, item_shape...] on options.device, *indices the count dataset indices and
  // *slot the buffer's slot (its side data is valid until the next call to next() or
  // start_epoch()). requires: the product of item_shape == floats_per_item.
  bool next(const std::vector<int64_t>& item_shape, Tensor* data, std::vector<size_t>* indices,
            size_t* slot);

 private:
  struct HostBuffer;
  struct Ready {
    HostBuffer* buffer;
    std::vector<size_t> indices;
  };
  void stop_producer();
  void produce(std::vector<size_t> order, uint64_t epoch);
  void recycle_in_flight();

  std::vector<size_t> indices_;
  size_t floats_per_item_;
  PrefetchOptions options_;
  FillFn fill_;
  std::string owner_;

  std::vector<std::unique_ptr<HostBuffer>> buffers_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<HostBuffer*> free_;    // ready for the producer
  std::deque<Ready> ready_;          // produced, waiting for the consumer
  HostBuffer* in_flight_ = nullptr;  // handed to the consumer; its upload may still be running
  bool stop_ = false;
  size_t batches_left_ = 0;  // of the current epoch, not yet returned by next()
  std::thread producer_;
};

}  // namespace cnn::data
