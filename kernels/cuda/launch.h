// The one way libcnn launches a kernel: launch(kernel, grid, block, smem_bytes, stream, args...).
// Under nvcc it is exactly kernel<<<grid, block, smem_bytes, stream>>>(args...); under the SIMT
// harness (CNN_SIMT) it runs the grid on the CPU, synchronously, with the driver's launch checks.
// Either way a rejected launch sets the error that cudaGetLastError() returns; it never throws.
//
// Dynamic shared memory: `extern __shared__` cannot be emulated by a macro on the declaration, so
// kernels write CNN_DYN_SHARED(T, name); to get `T* name` pointing at the block's dynamic shared
// memory (smem_bytes of the launch).
#pragma once

#include <cstddef>
#include <utility>

#include "kernels/cuda/runtime.h"

#if !defined(CNN_SIMT)
#define CNN_DYN_SHARED(T, name)                                  \
  extern __shared__ __align__(16) unsigned char cnn_dyn_smem_[]; \
  T* name = reinterpret_cast<T*>(cnn_dyn_smem_)
#endif

namespace cnn::kernels::cuda {

// requires: `args` convert to the kernel's parameter types; grid/block within the device limits.
// ensures: the kernel is enqueued on `stream` (SIMT: has run), or cudaGetLastError() says why not.
template <typename... Params, typename... Args>
inline void launch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t smem_bytes,
                   cudaStream_t stream, Args&&... args) {
#if defined(CNN_SIMT)
  ::cnn::simt::launch(kernel, grid, block, smem_bytes, stream, std::forward<Args>(args)...);
#else
  // clang-format would split the >>> into "> > >", which nvcc rejects.
  // clang-format off
  kernel<<<grid, block, smem_bytes, stream>>>(std::forward<Args>(args)...);
  // clang-format on
#endif
}

}  // namespace cnn::kernels::cuda
