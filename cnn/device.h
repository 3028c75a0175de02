// Device: where a tensor's memory lives. CPU, or one CUDA device (index 0 only for now: libcnn
// runs every CUDA op on the current device and one stream, see cnn/detail/cuda_context.h).
#pragma once

#include <ostream>
#include <string>

namespace cnn {

enum class DeviceType { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {DeviceType::CPU, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::CUDA, index}; }
  // Parses "cpu", "cuda" or "cuda:N"; throws cnn::Error otherwise.
  static Device parse(const std::string& text);

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  std::string str() const;  // "cpu" or "cuda:0"
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
};

std::ostream& operator<<(std::ostream& os, const Device& d);

// True when libcnn was built with a CUDA backend (native or SIMT) and a device is present.
// A run-time check (dlib's idea): a CUDA build on a machine without a GPU answers false.
bool cuda_available();
// True when the CUDA backend is the SIMT harness (CUDA kernels running on CPU fibers).
bool cuda_is_simulated();

}  // namespace cnn
