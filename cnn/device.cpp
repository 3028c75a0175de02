// Device parsing/printing and the run-time "is CUDA usable" check.
#include "cnn/device.h"

#include <cstdlib>

#include "cnn/detail/backend.h"
#include "cnn/error.h"

namespace cnn {

Device Device::parse(const std::string& text) {
  if (text == "cpu") return cpu();
  if (text == "cuda") return cuda(0);
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5) {
    char* end = nullptr;
    const long index = std::strtol(text.c_str() + 5, &end, 10);
    if (*end == '\0' && index >= 0 && index < 1024) return cuda(static_cast<int>(index));
  }
  throw Error("Device::parse: '" + text + "' is not a device (expected cpu, cuda or cuda:N)");
}

std::string Device::str() const {
  return is_cpu() ? std::string("cpu") : "cuda:" + std::to_string(index);
}

std::ostream& operator<<(std::ostream& os, const Device& d) {
  return os << d.str();
}

bool cuda_available() {
#if defined(CNN_WITH_CUDA)
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
#else
  return false;
#endif
}

bool cuda_is_simulated() {
#if defined(CNN_SIMT)
  return true;
#else
  return false;
#endif
}

}  // namespace cnn
