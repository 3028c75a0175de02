// Depthwise conv2d on CUDA (groups == C, K = C * multiplier): direct kernels, routed to by the
// conv2d launchers in conv2d.cu for Conv2dShape::depthwise() shapes. See conv2d_depthwise.cu.
#pragma once

#include "kernels/cuda/runtime.h"
#include "kernels/shapes.h"

namespace cnn::kernels::cuda::detail {

// Same contracts as conv2d_forward / _backward_data / _backward_weight (kernels/cuda/ops.h).
// requires: s.valid() && s.depthwise().
void conv2d_depthwise_forward(const Conv2dShape& s, const float* x, const float* w,
                              const float* bias, float* y, cudaStream_t stream);
void conv2d_depthwise_backward_data(const Conv2dShape& s, const float* dy, const float* w,
                                    float* dx, cudaStream_t stream);
void conv2d_depthwise_backward_weight(const Conv2dShape& s, const float* x, const float* dy,
                                      float* dw, cudaStream_t stream);

}  // namespace cnn::kernels::cuda::detail
