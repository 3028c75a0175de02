// Lowering helpers for conv2d on the CPU: im2col and col2im over a band of output rows of one
// image. Working on bands (not whole images, never whole batches) bounds the scratch buffer to a
// size that stays in L2 while the GEMM consumes it.
#pragma once

#include "kernels/shapes.h"

namespace cnn::kernels::cpu {

// col[(c*R + r)*S + s][(p - p0)*Q + q] = x[c, p*sh - ph + r, q*sw - pw + s] (0 in the padding),
// for output rows p in [p0, p1). x is one image [C,H,W]; col has C*R*S rows of (p1-p0)*Q floats.
void im2col_rows(const Conv2dShape& s, const float* x, int p0, int p1, float* col);

// The adjoint of im2col_rows: dx[c, h, w] += every col entry that im2col_rows read from (c, h, w).
// dx is one image [C,H,W]; entries that came from padding are dropped.
void col2im_rows_add(const Conv2dShape& s, const float* col, int p0, int p1, float* dx);

}  // namespace cnn::kernels::cpu
