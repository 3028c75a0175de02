// Device scratch memory for launchers that need it (split-K partial sums, two-pass reductions).
//
// One grow-only buffer per (device, stream): launchers on the same stream reuse it in stream
// order, so no allocation happens in steady state, and launchers on different streams never share
// bytes. Growing synchronises that stream before freeing the old buffer (work already enqueued may
// still read it), so the first call at a new maximum size is slow and cannot be captured into a
// CUDA graph; every later call is free.
#pragma once

#include <cstddef>

#include "kernels/cuda/runtime.h"

namespace cnn::kernels::cuda {

// requires: `floats` > 0. ensures: a device buffer of at least `floats` floats, valid for work
// enqueued on `stream` until the next stream_workspace call for the same stream. Throws
// std::runtime_error when the allocation fails.
float* stream_workspace(cudaStream_t stream, size_t floats);

}  // namespace cnn::kernels::cuda
