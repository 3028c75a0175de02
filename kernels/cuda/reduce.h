// Deterministic sum reductions shared by several launchers (sum_axis, sum_squares, the bias
// gradients of conv2d and linear, the cross-entropy batch mean). Each result is summed in an order
// fixed by the shape alone, never by atomics, so repeated runs give bit-identical results.
//
// A reduction whose outputs alone cannot fill the GPU (a handful of very long rows, e.g. the
// global gradient norm over 82M parameters) is split into slices: pass one writes one partial sum
// per slice into scratch, pass two sums the slices. Scratch comes from the caller (the *_scratch
// functions say how many floats) so a launcher can carve several pieces out of one workspace.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/cuda/runtime.h"

namespace cnn::kernels::cuda::detail {

// Floats of scratch sum_rows needs for this shape (0 when no split is worth it).
size_t sum_rows_scratch(int64_t rows, int64_t cols);
// y[r] = scale * sum_c f(x[r * cols + c]) with f(v) = v, or v * v when `squared`.
// requires: rows, cols > 0; scratch holds sum_rows_scratch(rows, cols) floats (may be null if 0).
void sum_rows(int64_t rows, int64_t cols, const float* x, float* y, bool squared, float scale,
              float* scratch, cudaStream_t stream);

// Floats of scratch sum_columns needs for this shape.
size_t sum_columns_scratch(int64_t outer, int64_t axis, int64_t inner);
// y[o, i] = sum_a x[(o * axis + a) * inner + i]: the middle axis of [outer, axis, inner].
// requires: all extents > 0; scratch holds sum_columns_scratch(...) floats (may be null if 0).
void sum_columns(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y,
                 float* scratch, cudaStream_t stream);

// Convenience forms that take their scratch from stream_workspace (workspace.h). Do not call
// them while holding another stream_workspace pointer for the same stream.
void sum_rows(int64_t rows, int64_t cols, const float* x, float* y, bool squared, float scale,
              cudaStream_t stream);
void sum_columns(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y,
                 cudaStream_t stream);

}  // namespace cnn::kernels::cuda::detail
