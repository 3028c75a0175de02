// The depthwise conv2d plane loops (conv2d_depthwise_planes.h) compiled with AVX2 + FMA.
#define CNN_DEPTHWISE_ISA depthwise_avx2
#include "kernels/cpu/conv2d_depthwise_planes.h"

namespace cnn::kernels::cpu {

const DepthwisePlaneKernels& depthwise_plane_kernels_avx2() {
  return depthwise_avx2::plane_kernels();
}

}  // namespace cnn::kernels::cpu
