// Shared op-boundary checks and the CUDA error translation (see backend.h).
#include "cnn/detail/backend.h"

#include <limits>

namespace cnn::detail {

void throw_built_without_cuda(const char* what) {
  throw Error(std::string(what) + ": libcnn was built without CUDA (CNN_CUDA=off)");
}

#if defined(CNN_WITH_CUDA)
void cuda_check(cudaError_t err, const char* what, const char* file, int line) {
  if (err == cudaSuccess) return;
  throw Error(std::string("CUDA error: ") + what + " failed at " + file + ":" +
              std::to_string(line) + ": " + cudaGetErrorString(err));
}
#endif

void check_defined(const char* op, const char* name, const Tensor& t) {
  if (!t.defined()) throw Error(std::string(op) + ": " + name + " is an undefined tensor");
}

void check_same_device(const char* op, const char* name_a, const Tensor& a, const char* name_b,
                       const Tensor& b) {
  if (a.device() != b.device()) {
    throw Error(std::string(op) + ": inputs are on different devices (" + name_a + " on " +
                a.device().str() + ", " + name_b + " on " + b.device().str() +
                "); move them with .to(device) first");
  }
}

void check_dim(const char* op, const char* name, const Tensor& t, int64_t dim) {
  if (t.dim() != dim) {
    throw Error(std::string(op) + ": " + name + " must be " + std::to_string(dim) + "-D, got " +
                shape_str(t.shape()));
  }
}

int to_int(const char* op, int64_t v) {
  if (v > std::numeric_limits<int>::max()) {
    throw Error(std::string(op) + ": dimension " + std::to_string(v) + " exceeds int range");
  }
  return static_cast<int>(v);
}

}  // namespace cnn::detail
