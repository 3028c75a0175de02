// Depthwise conv2d on the CPU (groups == C, K = C * multiplier), forward and backward, as direct
// loops over planes (see conv2d_depthwise.h for why not GEMM). The work is memory-bound: a 3x3
// depthwise filter does 9 multiply-adds per output for 8 bytes of plane traffic, so the design
// goal is to read every plane once and keep each row in L1 while its taps pass over it
// (conv2d_depthwise_planes.h holds those loops, one copy per ISA).
//
// Parallelism, and why results are bit-identical from run to run:
//   forward         one task per output plane (n, k): it owns y[n,k] and reads x[n, k/multiplier].
//   backward data   one task per input plane (n, c): it owns dx[n,c] and sums its `multiplier`
//                   dy planes in a fixed order.
//   backward weight one task per filter k: it owns dw[k] and sums over images n in order, in
//                   double. No cross-thread reduction exists, so the schedule cannot change a bit.
#include "kernels/cpu/conv2d_depthwise.h"

#include <string>
#include <vector>

#include "kernels/cpu/parallel.h"
#include "kernels/cpu/sgemm_kernels.h"

#define CNN_DEPTHWISE_ISA depthwise_portable
#include "kernels/cpu/conv2d_depthwise_planes.h"

namespace cnn::kernels::cpu {

const DepthwisePlaneKernels& depthwise_plane_kernels_portable() {
  return depthwise_portable::plane_kernels();
}

namespace {

// The plane loops of the SGEMM's SIMD level (so CNN_CPU_SIMD picks both), decided once.
const DepthwisePlaneKernels& planes() {
  static const DepthwisePlaneKernels& chosen = [&]() -> const DepthwisePlaneKernels& {
    const std::string level = selected_sgemm_kernel().name;
    if (level == "avx512") return depthwise_plane_kernels_avx512();
    if (level == "avx2") return depthwise_plane_kernels_avx2();
    return depthwise_plane_kernels_portable();
  }();
  return chosen;
}

// A team pays off once the planes hold a few hundred thousand floats (parallel.h).
bool worth_team(const Conv2dShape& s) {
  return worth_parallel(s.input_size() + s.output_size());
}

}  // namespace

void conv2d_depthwise_forward(const Conv2dShape& s, const float* x, const float* w,
                              const float* bias, float* y) {
  const DepthwisePlaneKernels& k = planes();
  const int multiplier = s.K / s.C;
  const int64_t HW = int64_t(s.H) * s.W, PQ = int64_t(s.P()) * s.Q(), RS = int64_t(s.R) * s.S;
  const int64_t planes_out = int64_t(s.N) * s.K;
#pragma omp parallel for schedule(static) if (worth_team(s))
  for (int64_t plane = 0; plane < planes_out; ++plane) {
    const int64_t n = plane / s.K;
    const int f = int(plane % s.K), c = f / multiplier;
    k.forward(s, x + (n * s.C + c) * HW, w + f * RS, bias ? bias[f] : 0.f, y + plane * PQ);
  }
}

void conv2d_depthwise_backward_data(const Conv2dShape& s, const float* dy, const float* w,
                                    float* dx) {
  const DepthwisePlaneKernels& k = planes();
  const int multiplier = s.K / s.C;
  const int64_t HW = int64_t(s.H) * s.W, PQ = int64_t(s.P()) * s.Q(), RS = int64_t(s.R) * s.S;
  const int64_t planes_in = int64_t(s.N) * s.C;
#pragma omp parallel for schedule(static) if (worth_team(s))
  for (int64_t plane = 0; plane < planes_in; ++plane) {
    const int64_t n = plane / s.C;
    const int c = int(plane % s.C), f0 = c * multiplier;  // its filters: f0 .. f0+multiplier-1
    k.backward_data(s, multiplier, dy + (n * s.K + f0) * PQ, w + f0 * RS, dx + plane * HW);
  }
}

void conv2d_depthwise_backward_weight(const Conv2dShape& s, const float* x, const float* dy,
                                      float* dw) {
  const DepthwisePlaneKernels& k = planes();
  const int multiplier = s.K / s.C;
  const int64_t HW = int64_t(s.H) * s.W, PQ = int64_t(s.P()) * s.Q(), RS = int64_t(s.R) * s.S;
#pragma omp parallel if (worth_team(s))
  {
    std::vector<double> acc(static_cast<size_t>(RS), 0.0);
#pragma omp for schedule(static)
    for (int f = 0; f < s.K; ++f) {
      const int c = f / multiplier;
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t n = 0; n < s.N; ++n)
        k.backward_weight(s, x + (n * s.C + c) * HW, dy + (n * s.K + f) * PQ, acc.data());
      for (int64_t i = 0; i < RS; ++i) dw[f * RS + i] = float(acc[size_t(i)]);
    }
  }
}

}  // namespace cnn::kernels::cpu
