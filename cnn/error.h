// cnn::Error: the one exception type libcnn throws. Messages name the operation and the shapes or
// devices involved ("conv2d: input [2,3,8,8] has 3 channels, weight expects 4"), so a user can fix
// the call without a debugger.
#pragma once

#include <stdexcept>
#include <string>

namespace cnn {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws cnn::Error(message) when `condition` is false.
inline void check(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

}  // namespace cnn
