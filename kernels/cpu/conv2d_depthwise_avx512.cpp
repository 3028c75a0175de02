// The depthwise conv2d plane loops (conv2d_depthwise_planes.h) compiled with AVX-512.
#define CNN_DEPTHWISE_ISA depthwise_avx512
#include "kernels/cpu/conv2d_depthwise_planes.h"

namespace cnn::kernels::cpu {

const DepthwisePlaneKernels& depthwise_plane_kernels_avx512() {
  return depthwise_avx512::plane_kernels();
}

}  // namespace cnn::kernels::cpu
