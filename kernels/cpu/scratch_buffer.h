// A 64-byte aligned float buffer that grows on demand and is never shrunk. Kept thread_local by
// its users (GEMM packing panels, conv2d im2col bands), so the thousands of small GEMMs of one
// conv2d call neither allocate nor page-fault after the first.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace cnn::kernels::cpu {

class ScratchBuffer {
 public:
  // ensures: the result is 64-byte aligned and holds at least `floats` floats (contents
  // unspecified)
  float* get(size_t floats) {
    if (floats > capacity_) {
      const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
      data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      if (!data_) throw std::bad_alloc();
      capacity_ = floats;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  size_t capacity_ = 0;
};

}  // namespace cnn::kernels::cpu
