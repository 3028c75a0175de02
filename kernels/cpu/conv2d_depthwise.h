// Depthwise conv2d on the CPU (groups == C, K = C * multiplier): every filter sees one input
// plane, so there is no reduction over channels to lower to GEMM (it would be a K=R*S GEMM per
// plane, all packing and no arithmetic). These direct kernels stream each plane once instead;
// conv2d.cpp routes Conv2dShape::depthwise() shapes here. See conv2d_depthwise.cpp.
#pragma once

#include "kernels/shapes.h"

namespace cnn::kernels::cpu {

// Same contracts as conv2d_forward / _backward_data / _backward_weight in host_ops.inc.
// requires: s.valid() && s.depthwise().
void conv2d_depthwise_forward(const Conv2dShape& s, const float* x, const float* w,
                              const float* bias, float* y);
void conv2d_depthwise_backward_data(const Conv2dShape& s, const float* dy, const float* w,
                                    float* dx);
void conv2d_depthwise_backward_weight(const Conv2dShape& s, const float* x, const float* dy,
                                      float* dw);

// The per-plane loops, compiled once per instruction set (conv2d_depthwise_planes.h) and picked
// at run time with the SGEMM's SIMD level, so CNN_CPU_SIMD forces both.
struct DepthwisePlaneKernels {
  // y[P,Q] = bias + sum_{r,s} x[p*sh-ph+r, q*sw-pw+s] * w[r,s]; x is one [H,W] plane.
  void (*forward)(const Conv2dShape& s, const float* x, const float* w, float bias, float* y);
  // dx[H,W] = sum over the `multiplier` filters m of the plane's adjoint of dy[m] through w[m];
  // dy holds the multiplier consecutive [P,Q] planes, w their [R,S] filters.
  void (*backward_data)(const Conv2dShape& s, int multiplier, const float* dy, const float* w,
                        float* dx);
  // acc[r*S + s] += sum_{p,q} dy[p,q] * x[p*sh-ph+r, q*sw-pw+s] (one image, one filter).
  void (*backward_weight)(const Conv2dShape& s, const float* x, const float* dy, double* acc);
};

const DepthwisePlaneKernels& depthwise_plane_kernels_portable();
const DepthwisePlaneKernels& depthwise_plane_kernels_avx2();
const DepthwisePlaneKernels& depthwise_plane_kernels_avx512();

}  // namespace cnn::kernels::cpu
