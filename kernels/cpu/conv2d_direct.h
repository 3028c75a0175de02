// Direct (not GEMM-lowered) conv2d kernels for layers with few input channels, where lowering to
// GEMM leaves tiny matrix dimensions: the seed network's first layer has C*R*S = 27, so its
// backward-weight GEMM is 32 x 27 per band and spends more time packing than multiplying.
#pragma once

#include "kernels/shapes.h"

namespace cnn::kernels::cpu {

// Largest C*R*S for which the direct kernels are used: beyond it the GEMM lowering has matrices
// big enough to amortise its packing.
constexpr int kDirectMaxCrs = 64;

// True when conv2d_backward_weight_direct_avx512 handles this shape on this machine: stride 1,
// S == 3, R <= 9, C*R*S <= kDirectMaxCrs, and the AVX-512 level selected (CNN_CPU_SIMD respected).
bool use_direct_backward_weight(const Conv2dShape& s);

// dw = sum over images and output positions of dy * x, by shifted dot products of the dy and x
// planes (vectorised over output columns, two filters at a time). requires
// use_direct_backward_weight(s). Same contract as conv2d_backward_weight.
void conv2d_backward_weight_direct_avx512(const Conv2dShape& s, const float* x, const float* dy,
                                          float* dw);

}  // namespace cnn::kernels::cpu
