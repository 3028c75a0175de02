// Per-(device, stream) grow-only scratch buffers; see workspace.h for the contract.
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/cuda/workspace.h"

namespace cnn::kernels::cuda {
namespace {

struct Buffer {
  float* data = nullptr;
  size_t floats = 0;
};

struct Registry {
  std::mutex mutex;
  std::map<std::pair<int, cudaStream_t>, Buffer> buffers;
  ~Registry() {
    // At process exit the CUDA runtime may already be shutting down; errors are irrelevant then.
    for (auto& entry : buffers) (void)cudaFree(entry.second.data);
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw std::runtime_error(std::string("cuda workspace: ") + what + ": " +
                             cudaGetErrorString(err));
}

}  // namespace

float* stream_workspace(cudaStream_t stream, size_t floats) {
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  Buffer& buf = r.buffers[{device, stream}];
  if (buf.floats < floats) {
    // Round up by half again so a slowly growing sequence of requests reallocates rarely.
    const size_t grown = floats + floats / 2;
    if (buf.data != nullptr) {
      check(cudaStreamSynchronize(stream), "cudaStreamSynchronize before growing");
      check(cudaFree(buf.data), "cudaFree");
      buf = Buffer{};
    }
    void* p = nullptr;
    check(cudaMalloc(&p, grown * sizeof(float)),
          ("cudaMalloc of " + std::to_string(grown * sizeof(float)) + " bytes").c_str());
    buf.data = static_cast<float*>(p);
    buf.floats = grown;
  }
  return buf.data;
}

}  // namespace cnn::kernels::cuda
