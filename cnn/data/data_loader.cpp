// Background-prefetching data loader (see data_loader.h).
#include "cnn/data/data_loader.h"

#include <cstring>
#include <numeric>

#include "cnn/data/rng.h"
#include "cnn/error.h"

#if defined(CNN_WITH_CUDA)
#include "cnn/detail/backend.h"
#endif

namespace cnn::data {

// Host memory for one batch of float pixels; pinned when the batches go to a CUDA device, so the
// upload can be a true asynchronous DMA.
struct DataLoader::HostBuffer {
  float* data = nullptr;
  size_t floats = 0;
  bool pinned = false;

  HostBuffer(size_t n, bool pin) : floats(n), pinned(pin) {
#if defined(CNN_WITH_CUDA)
    if (pinned) {
      void* p = nullptr;
      CNN_CUDA_CHECK(cudaMallocHost(&p, n * sizeof(float)));
      data = static_cast<float*>(p);
      return;
    }
#endif
    data = new float[n];
  }
  ~HostBuffer() {
#if defined(CNN_WITH_CUDA)
    if (pinned) {
      cudaFreeHost(data);
      return;
    }
#endif
    delete[] data;
  }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
};

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
    : dataset_(dataset), indices_(std::move(indices)), options_(options) {
  check(options_.batch_size > 0, "DataLoader: batch_size must be positive");
  for (size_t i : indices_) {
    check(i < dataset_.size(), "DataLoader: index " + std::to_string(i) + " outside a dataset of " +
                                   std::to_string(dataset_.size()) + " images");
  }
#if !defined(CNN_WITH_CUDA)
  check(
      options_.device.is_cpu(),
      "DataLoader: libcnn was built without CUDA; cannot load batches to " + options_.device.str());
#endif
  // prefetch buffers in the producer's hands + one with the consumer + one whose upload may run.
  const size_t n_buffers = std::max<size_t>(options_.prefetch, 1) + 2;
  const size_t floats = options_.batch_size * dataset_.image_bytes();
  for (size_t i = 0; i < n_buffers; ++i) {
    buffers_.push_back(std::make_unique<HostBuffer>(floats, options_.device.is_cuda()));
    free_.push_back(buffers_.back().get());
  }
}

DataLoader::~DataLoader() {
  stop_producer();
#if defined(CNN_WITH_CUDA)
  // A pinned buffer may still be the source of a running copy.
  if (options_.device.is_cuda()) cudaStreamSynchronize(detail::cuda_stream());
#endif
}

size_t DataLoader::num_batches() const {
  const size_t b = options_.batch_size;
  return options_.drop_last ? size() / b : (size() + b - 1) / b;
}

void DataLoader::stop_producer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (producer_.joinable()) producer_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (Ready& r : ready_) free_.push_back(r.buffer);
  ready_.clear();
  stop_ = false;
}

void DataLoader::recycle_in_flight() {
  if (!in_flight_) return;
#if defined(CNN_WITH_CUDA)
  // The upload from this buffer was queued on libcnn's stream; wait for it before overwriting.
  if (options_.device.is_cuda()) CNN_CUDA_CHECK(cudaStreamSynchronize(detail::cuda_stream()));
#endif
  {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(in_flight_);
  }
  in_flight_ = nullptr;
  cv_.notify_all();
}

void DataLoader::start_epoch(uint64_t epoch) {
  stop_producer();
  recycle_in_flight();
  std::vector<size_t> order = indices_;
  if (options_.shuffle) {
    Rng rng(options_.seed, 0x0e0c0000 + epoch);
    rng.shuffle(order);
  }
  batches_left_ = num_batches();
  order.resize(options_.drop_last ? batches_left_ * options_.batch_size : order.size());
  producer_ = std::thread(&DataLoader::produce, this, std::move(order), epoch);
}

void DataLoader::fill(HostBuffer& buffer, const size_t* idx, size_t count, uint64_t epoch) const {
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
    image_to_chw(src, w, h, buffer.data + i * per_image);
  }
}

void DataLoader::produce(std::vector<size_t> order, uint64_t epoch) {
  for (size_t start = 0; start < order.size(); start += options_.batch_size) {
    const size_t count = std::min(options_.batch_size, order.size() - start);
    HostBuffer* buffer = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock,
               [&] { return stop_ || (!free_.empty() && ready_.size() < options_.prefetch); });
      if (stop_) return;
      buffer = free_.back();
      free_.pop_back();
    }
    fill(*buffer, order.data() + start, count, epoch);
    Ready r{buffer, {}, {order.begin() + start, order.begin() + start + count}};
    for (size_t i : r.indices) r.labels.push_back(dataset_.labels[i]);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
}

bool DataLoader::next(Batch* batch) {
  recycle_in_flight();
  if (batches_left_ == 0) return false;
  Ready r;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return !ready_.empty(); });
    r = std::move(ready_.front());
    ready_.pop_front();
  }
  cv_.notify_all();
  --batches_left_;
  const int64_t n = static_cast<int64_t>(r.labels.size());
  const size_t bytes = static_cast<size_t>(n) * dataset_.image_bytes() * sizeof(float);
  batch->images = Tensor::empty({n, 3, dataset_.height, dataset_.width}, options_.device);
  if (options_.device.is_cuda()) {
#if defined(CNN_WITH_CUDA)
    CNN_CUDA_CHECK(cudaMemcpyAsync(batch->images.data(), r.buffer->data, bytes,
                                   cudaMemcpyHostToDevice, detail::cuda_stream()));
#endif
  } else {
    std::memcpy(batch->images.data(), r.buffer->data, bytes);
  }
  in_flight_ = r.buffer;
  batch->labels = std::move(r.labels);
  batch->indices = std::move(r.indices);
  return true;
}

}  // namespace cnn::data
