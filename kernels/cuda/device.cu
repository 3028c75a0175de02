// Launch-size helpers that need the device's properties: SM count (cached per device) and the
// grid size for grid-stride loops.
#include <algorithm>
#include <mutex>
#include <vector>

#include "kernels/cuda/common.cuh"

namespace cnn::kernels::cuda {

int device_sm_count() {
  static std::mutex mutex;
  static std::vector<int> cache;  // by device id; 0 = not queried yet
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return 1;
  std::lock_guard<std::mutex> lock(mutex);
  if (int(cache.size()) <= device) cache.resize(device + 1, 0);
  if (cache[device] == 0) {
    int sms = 0;
    if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess ||
        sms <= 0)
      sms = 1;
    cache[device] = sms;
  }
  return cache[device];
}

int grid_stride_blocks(int64_t work, int threads) {
  // Eight 256-thread blocks per SM saturate every architecture we build for; a grid-stride loop
  // covers the rest, so huge tensors do not launch millions of short-lived blocks.
  const int64_t cap = int64_t(device_sm_count()) * 8;
  return int(std::max<int64_t>(1, std::min(ceil_div(work, threads), cap)));
}

}  // namespace cnn::kernels::cuda
