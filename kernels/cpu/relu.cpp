// ReLU forward and backward on the CPU: plain loops the compiler vectorises, OpenMP above a size
// threshold (see parallel.h).
#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"

namespace cnn::kernels::cpu {

void relu_forward(int64_t n, const float* x, float* y) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  // `x < 0 ? 0 : x` keeps NaN (as the reference does): a NaN upstream must not turn into 0.
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : x[i];
}

void relu_backward(int64_t n, const float* x, const float* dy, float* dx) {
#pragma omp parallel for simd if (parallel : worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    const float g = dy[i];  // loaded unconditionally, so the select needs no branch
    dx[i] = x[i] > 0.f ? g : 0.f;
  }
}

}  // namespace cnn::kernels::cpu
