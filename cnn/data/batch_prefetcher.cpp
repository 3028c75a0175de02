// Background-prefetching batch production shared by the loaders (see batch_prefetcher.h).
#include "cnn/data/batch_prefetcher.h"

#include <cstring>

#include "cnn/data/rng.h"
#include "cnn/error.h"

#if defined(CNN_WITH_CUDA)
#include "cnn/detail/backend.h"
#endif

namespace cnn::data {

// Host memory for one batch of float pixels; pinned when the batches go to a CUDA device, so the
// upload can be a true asynchronous DMA.
struct BatchPrefetcher::HostBuffer {
  float* data = nullptr;
  size_t floats = 0;
  size_t slot = 0;
  bool pinned = false;

  HostBuffer(size_t n, size_t slot_index, bool pin) : floats(n), slot(slot_index), pinned(pin) {
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

BatchPrefetcher::BatchPrefetcher(std::vector<size_t> indices, size_t floats_per_item,
                                 PrefetchOptions options, FillFn fill, std::string owner)
    : indices_(std::move(indices)),
      floats_per_item_(floats_per_item),
      options_(options),
      fill_(std::move(fill)),
      owner_(std::move(owner)) {
  check(options_.batch_size > 0, owner_ + ": batch_size must be positive");
#if !defined(CNN_WITH_CUDA)
  check(
      options_.device.is_cpu(),
      owner_ + ": libcnn was built without CUDA; cannot load batches to " + options_.device.str());
#endif
  // prefetch buffers in the producer's hands + one with the consumer + one whose upload may run.
  const size_t n_buffers = std::max<size_t>(options_.prefetch, 1) + 2;
  const size_t floats = options_.batch_size * floats_per_item_;
  for (size_t i = 0; i < n_buffers; ++i) {
    buffers_.push_back(std::make_unique<HostBuffer>(floats, i, options_.device.is_cuda()));
    free_.push_back(buffers_.back().get());
  }
}

BatchPrefetcher::~BatchPrefetcher() {
  stop_producer();
#if defined(CNN_WITH_CUDA)
  // A pinned buffer may still be the source of a running copy.
  if (options_.device.is_cuda()) cudaStreamSynchronize(detail::cuda_stream());
#endif
}

size_t BatchPrefetcher::num_batches() const {
  const size_t b = options_.batch_size;
  return options_.drop_last ? size() / b : (size() + b - 1) / b;
}

void BatchPrefetcher::stop_producer() {
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

void BatchPrefetcher::recycle_in_flight() {
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

void BatchPrefetcher::start_epoch(uint64_t epoch) {
  stop_producer();
  recycle_in_flight();
  std::vector<size_t> order = indices_;
  if (options_.shuffle) {
    Rng rng(options_.seed, 0x0e0c0000 + epoch);
    rng.shuffle(order);
  }
  batches_left_ = num_batches();
  order.resize(options_.drop_last ? batches_left_ * options_.batch_size : order.size());
  producer_ = std::thread(&BatchPrefetcher::produce, this, std::move(order), epoch);
}

void BatchPrefetcher::produce(std::vector<size_t> order, uint64_t epoch) {
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
    fill_(buffer->slot, order.data() + start, count, epoch, buffer->data);
    Ready r{buffer, {order.begin() + start, order.begin() + start + count}};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
}

bool BatchPrefetcher::next(const std::vector<int64_t>& item_shape, Tensor* data,
                           std::vector<size_t>* indices, size_t* slot) {
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
  in_flight_ = r.buffer;  // recycled by the next call, also if this one throws
  const int64_t n = static_cast<int64_t>(r.indices.size());
  const size_t bytes = static_cast<size_t>(n) * floats_per_item_ * sizeof(float);
  Shape shape = {n};
  shape.insert(shape.end(), item_shape.begin(), item_shape.end());
  check(static_cast<size_t>(shape_numel(item_shape)) == floats_per_item_,
        owner_ + ": item shape " + shape_str(item_shape) + " does not hold " +
            std::to_string(floats_per_item_) + " floats");
  *data = Tensor::empty(shape, options_.device);
  if (options_.device.is_cuda()) {
#if defined(CNN_WITH_CUDA)
    CNN_CUDA_CHECK(cudaMemcpyAsync(data->data(), r.buffer->data, bytes, cudaMemcpyHostToDevice,
                                   detail::cuda_stream()));
#endif
  } else {
    std::memcpy(data->data(), r.buffer->data, bytes);
  }
  *slot = r.buffer->slot;
  *indices = std::move(r.indices);
  return true;
}

}  // namespace cnn::data
