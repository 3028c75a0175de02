// The CUDA runtime API as libcnn's host code sees it: the real <cuda_runtime.h> under the native
// build, the SIMT harness's CPU implementation of the same subset under CNN_SIMT.
#pragma once

#if defined(CNN_SIMT)
#include "kernels/simt/simt.h"
#else
#include <cuda_runtime.h>
#endif
