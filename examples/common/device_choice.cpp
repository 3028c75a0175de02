// --device parsing (see device_choice.h).
#include "common/device_choice.h"

#include "common/exit_codes.h"

namespace example_common {

cnn::Device select_device(const std::string& text) {
  if (text == "auto") {
    return cnn::cuda_available() && !cnn::cuda_is_simulated() ? cnn::Device::cuda()
                                                              : cnn::Device::cpu();
  }
  if (text == "cpu") return cnn::Device::cpu();
  if (text == "cuda" || text.rfind("cuda:", 0) == 0) {
    if (!cnn::cuda_available()) {
      throw InputError("--device " + text +
                       ": no usable CUDA device (libcnn built without CUDA, or no GPU present); "
                       "use --device cpu");
    }
    return cnn::Device::parse(text);
  }
  throw InputError("--device must be auto, cpu or cuda, got '" + text + "'");
}

std::string describe_device(const cnn::Device& device) {
  return device.str() + (cnn::cuda_is_simulated() && device.is_cuda() ? " (SIMT)" : "");
}

}  // namespace example_common
