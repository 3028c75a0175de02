// Float instantiations of the reference elementwise helpers (kernels/reference/elementwise.h).
#include "kernels/reference/elementwise.h"

#include "kernels/reference/ops.h"

namespace cnn::kernels::reference {

void fill(int64_t n, float value, float* x) {
  generic::fill<float>(n, value, x);
}
void axpy(int64_t n, float alpha, const float* x, float* y) {
  generic::axpy<float>(n, alpha, x, y);
}
void scale(int64_t n, float alpha, float* x) {
  generic::scale<float>(n, alpha, x);
}
void add(int64_t n, const float* a, const float* b, float* out) {
  generic::add<float>(n, a, b, out);
}
void mul(int64_t n, const float* a, const float* b, float* out) {
  generic::mul<float>(n, a, b, out);
}
void sum_axis(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y) {
  generic::sum_axis<float>(outer, axis, inner, x, y);
}
void sum_squares(int64_t n, const float* x, float* out) {
  generic::sum_squares<float>(n, x, out);
}
void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, float* mask) {
  generic::dropout_forward<float>(n, p, seed, x, y, mask);
}

}  // namespace cnn::kernels::reference
