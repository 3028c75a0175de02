// Float instantiations of the reference upsample_nearest2d and copy_2d
// (kernels/reference/upsample.h) behind ops.h.
#include "kernels/reference/upsample.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void upsample_nearest2d_forward(const UpsampleShape& s, const float* x, float* y) {
  generic::upsample_nearest2d_forward<float>(s, x, y);
}
void upsample_nearest2d_backward(const UpsampleShape& s, const float* dy, float* dx) {
  generic::upsample_nearest2d_backward<float>(s, dy, dx);
}
void copy_2d(int64_t rows, int64_t cols, const float* src, int64_t src_ld, float* dst,
             int64_t dst_ld) {
  generic::copy_2d<float>(rows, cols, src, src_ld, dst, dst_ld);
}

}  // namespace cnn::kernels::reference
