// Private to libcnn's .cpp files (not installed): the one place that decides which kernel backend
// runs an op, the CUDA error check, and the device checks every op shares.
//
// CNN_KERNEL(device, "op", cpu_call, cuda_call) runs cpu_call on CPU tensors and cuda_call on CUDA
// tensors, then checks cudaGetLastError so a bad launch is reported at the op that caused it. In a
// CNN_CUDA=off build the CUDA branch is not compiled and a CUDA device is a cnn::Error (it cannot
// occur in practice: no CUDA tensor can be created there). There is no fallback between backends.
//
// Stream: every libcnn CUDA call uses the legacy default stream (cuda_stream() == nullptr). Kernels
// then run in issue order with no cross-stream events to manage, and the blocking cudaMemcpy used
// by to()/to_vector() is the synchronisation point. One training loop cannot overlap work on two
// streams anyway; a pinned side stream for data uploads is a later step.
#pragma once

#include <string>

#include "cnn/device.h"
#include "cnn/error.h"
#include "cnn/tensor.h"
#include "kernels/cpu/ops.h"

#if defined(CNN_WITH_CUDA)
#include "kernels/cuda/ops.h"
#include "kernels/cuda/runtime.h"
#endif

namespace cnn {
// Shorthands for CNN_KERNEL's arguments.
namespace kcpu = ::cnn::kernels::cpu;
#if defined(CNN_WITH_CUDA)
namespace kcuda = ::cnn::kernels::cuda;
#endif
}  // namespace cnn

namespace cnn::detail {

[[noreturn]] void throw_built_without_cuda(const char* what);

#if defined(CNN_WITH_CUDA)
inline cudaStream_t cuda_stream() {
  return nullptr;
}
// Throws cnn::Error "<what> failed at FILE:LINE: <cuda error string>" unless err == cudaSuccess.
void cuda_check(cudaError_t err, const char* what, const char* file, int line);
#define CNN_CUDA_CHECK(call) ::cnn::detail::cuda_check((call), #call, __FILE__, __LINE__)
#define CNN_KERNEL(device, op_name, cpu_call, cuda_call)                                   \
  do {                                                                                     \
    if ((device).is_cuda()) {                                                              \
      cuda_call;                                                                           \
      ::cnn::detail::cuda_check(cudaGetLastError(), "kernel launch in " op_name, __FILE__, \
                                __LINE__);                                                 \
    } else {                                                                               \
      cpu_call;                                                                            \
    }                                                                                      \
  } while (0)
#else
#define CNN_KERNEL(device, op_name, cpu_call, cuda_call)                      \
  do {                                                                        \
    if ((device).is_cuda()) ::cnn::detail::throw_built_without_cuda(op_name); \
    cpu_call;                                                                 \
  } while (0)
#endif

// "op: inputs are on different devices (x on cpu, weight on cuda:0)" unless all match.
void check_same_device(const char* op, const char* name_a, const Tensor& a, const char* name_b,
                       const Tensor& b);
void check_defined(const char* op, const char* name, const Tensor& t);
void check_dim(const char* op, const char* name, const Tensor& t, int64_t dim);
// Kernels take int extents: checks a dimension fits.
int to_int(const char* op, int64_t v);

}  // namespace cnn::detail
