// Portable packing loops (see sgemm_pack.h). Each case reads its source along the contiguous
// direction: a row of op(A) that is a row of A is read along k; one that is a column of A (trans)
// is read as mr consecutive floats per k. Same for B.
#include "kernels/cpu/sgemm_pack.h"

#include <algorithm>

namespace cnn::kernels::cpu {

void pack_a_panels(MatrixView a, int i0, int mc, int k0, int kc, float alpha, int mr, float* dst) {
  for (int p = 0; p < mc; p += mr, dst += int64_t(kc) * mr) {
    const int rows = std::min(mr, mc - p);
    if (a.trans) {
      // op(A)(i, k) = A[k*ld + i]: mr consecutive floats per k.
      for (int k = 0; k < kc; ++k) {
        const float* src = a.data + int64_t(k0 + k) * a.ld + (i0 + p);
        float* d = dst + int64_t(k) * mr;
        for (int i = 0; i < rows; ++i) d[i] = alpha * src[i];
        for (int i = rows; i < mr; ++i) d[i] = 0.f;
      }
    } else {
      // op(A)(i, k) = A[i*ld + k]: read each row along k, scatter with stride mr.
      for (int i = 0; i < rows; ++i) {
        const float* src = a.data + int64_t(i0 + p + i) * a.ld + k0;
        for (int k = 0; k < kc; ++k) dst[int64_t(k) * mr + i] = alpha * src[k];
      }
      for (int i = rows; i < mr; ++i)
        for (int k = 0; k < kc; ++k) dst[int64_t(k) * mr + i] = 0.f;
    }
  }
}

void pack_b_panels(MatrixView b, int k0, int kc, int j0, int nc, int nr, float* dst) {
  if (!b.trans) {
    // op(B)(k, j) = B[k*ld + j]. k outer: each row segment of nc floats is read front to back (one
    // prefetcher-friendly stream) and dealt out nr floats at a time to the panels.
    for (int k = 0; k < kc; ++k) {
      const float* src = b.data + int64_t(k0 + k) * b.ld + j0;
      float* d = dst + int64_t(k) * nr;
      for (int q = 0; q < nc; q += nr, d += int64_t(kc) * nr) {
        const int cols = std::min(nr, nc - q);
        for (int j = 0; j < cols; ++j) d[j] = src[q + j];
        for (int j = cols; j < nr; ++j) d[j] = 0.f;
      }
    }
    return;
  }
  // op(B)(k, j) = B[j*ld + k]: read each row of B along k, scatter with stride nr.
  for (int q = 0; q < nc; q += nr, dst += int64_t(kc) * nr) {
    const int cols = std::min(nr, nc - q);
    for (int j = 0; j < cols; ++j) {
      const float* src = b.data + int64_t(j0 + q + j) * b.ld + k0;
      for (int k = 0; k < kc; ++k) dst[int64_t(k) * nr + j] = src[k];
    }
    for (int j = cols; j < nr; ++j)
      for (int k = 0; k < kc; ++k) dst[int64_t(k) * nr + j] = 0.f;
  }
}

}  // namespace cnn::kernels::cpu
