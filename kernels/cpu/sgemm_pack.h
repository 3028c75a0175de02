// Packing of SGEMM operands into the contiguous, zero-padded micro-panels the micro-kernels read
// (sgemm_kernels.h). Packing turns any layout (transposed or not, any leading dimension) into unit
// stride, puts a panel in a few consecutive cache lines and TLB pages, and pads the edges with
// zeros so the micro-kernel never branches.
#pragma once

#include <cstdint>

namespace cnn::kernels::cpu {

// A view of op(X) where X is row-major with leading dimension ld and op transposes when trans:
// element (r, c) of op(X) is X[r*ld + c], or X[c*ld + r] when trans.
struct MatrixView {
  const float* data;
  int64_t ld;
  bool trans;
};

// dst[p*kc*mr + k*mr + i] = alpha * op(A)(i0 + p*mr + i, k0 + k) for the mc x kc block at (i0, k0);
// rows past i0 + mc are zero. dst holds ceil(mc/mr) panels of kc*mr floats.
void pack_a_panels(MatrixView a, int i0, int mc, int k0, int kc, float alpha, int mr, float* dst);

// dst[q*kc*nr + k*nr + j] = op(B)(k0 + k, j0 + q*nr + j) for the kc x nc block at (k0, j0);
// columns past j0 + nc are zero. dst holds ceil(nc/nr) panels of kc*nr floats.
void pack_b_panels(MatrixView b, int k0, int kc, int j0, int nc, int nr, float* dst);

// Same as pack_b_panels for b.trans, with AVX-512 16x16 register transposes; nr % 16 == 0 and dst
// 64-byte aligned. Only call on CPUs with AVX-512F (sgemm_pack_avx512.cpp).
void pack_b_panels_trans_avx512(MatrixView b, int k0, int kc, int j0, int nc, int nr, float* dst);

// Same as pack_a_panels, with AVX-512 register transposes when !a.trans and mr == 8 (else it
// calls pack_a_panels); dst 32-byte aligned. Only call on CPUs with AVX-512F.
void pack_a_panels_avx512(MatrixView a, int i0, int mc, int k0, int kc, float alpha, int mr,
                          float* dst);

}  // namespace cnn::kernels::cpu
