// Nearest-neighbour upsampling by an integer factor and the strided block copy (copy_2d) under
// concat/narrow, on the CPU. Both are pure data movement: the work is split over output rows
// (upsample) or (row, 64K-float chunk) tasks (copy_2d), and OpenMP only starts above the size
// threshold of parallel.h. The upsample backward is a gather (one dx element sums its own
// scale x scale block), so no two threads write the same element and the result is deterministic.
#include <algorithm>
#include <cstring>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

void upsample_nearest2d_forward(const UpsampleShape& s, const float* x, float* y) {
  const int64_t rows = int64_t(s.N) * s.C * s.H;  // input rows; each makes `scale` output rows
  const int64_t Q = s.Q();
#pragma omp parallel for if (worth_parallel(s.output_size()))
  for (int64_t row = 0; row < rows; ++row) {
    const float* in = x + row * s.W;
    float* out = y + row * s.scale * Q;
    for (int w = 0; w < s.W; ++w)
      for (int j = 0; j < s.scale; ++j) out[int64_t(w) * s.scale + j] = in[w];
    for (int i = 1; i < s.scale; ++i) std::memcpy(out + i * Q, out, size_t(Q) * sizeof(float));
  }
}

void upsample_nearest2d_backward(const UpsampleShape& s, const float* dy, float* dx) {
  const int64_t rows = int64_t(s.N) * s.C * s.H;
  const int64_t Q = s.Q();
#pragma omp parallel for if (worth_parallel(s.output_size()))
  for (int64_t row = 0; row < rows; ++row) {
    const float* block = dy + row * s.scale * Q;
    float* out = dx + row * s.W;
    for (int w = 0; w < s.W; ++w) {
      float acc = 0.f;
      for (int i = 0; i < s.scale; ++i)
        for (int j = 0; j < s.scale; ++j) acc += block[i * Q + int64_t(w) * s.scale + j];
      out[w] = acc;
    }
  }
}

void copy_2d(int64_t rows, int64_t cols, const float* src, int64_t src_ld, float* dst,
             int64_t dst_ld) {
  if (rows <= 0 || cols <= 0) return;
  // Chunks let a few long rows (concat of a small batch) still use every thread.
  constexpr int64_t kChunk = int64_t(1) << 16;
  const int64_t chunks = (cols + kChunk - 1) / kChunk;
#pragma omp parallel for if (worth_parallel(rows * cols))
  for (int64_t task = 0; task < rows * chunks; ++task) {
    const int64_t r = task / chunks, c0 = task % chunks * kChunk;
    const int64_t len = std::min(kChunk, cols - c0);
    std::memcpy(dst + r * dst_ld + c0, src + r * src_ld + c0, size_t(len) * sizeof(float));
  }
}

}  // namespace cnn::kernels::cpu
