// Shape ops: reshape/view and flatten share storage with their input; backward reshapes back.
#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/tensor_impl.h"
#include "cnn/ops.h"

namespace cnn {

Tensor reshape(const Tensor& x, const Shape& requested) {
  detail::check_defined("reshape", "input", x);
  Shape shape = requested;
  int64_t known = 1;
  int inferred = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && inferred < 0) {
      inferred = static_cast<int>(i);
    } else if (shape[i] < 0) {
      throw Error("reshape: invalid target shape " + shape_str(requested));
    } else {
      known *= shape[i];
    }
  }
  if (inferred >= 0 && known > 0 && x.numel() % known == 0) shape[inferred] = x.numel() / known;
  if ((inferred >= 0 && shape[inferred] < 0) || shape_numel(shape) != x.numel()) {
    throw Error("reshape: cannot view " + shape_str(x.shape()) + " (" + std::to_string(x.numel()) +
                " elements) as " + shape_str(requested));
  }
  const Shape input_shape = x.shape();
  return record("reshape", detail::alias(x, shape), {x}, [input_shape](const Tensor& g) {
    return std::vector<Tensor>{detail::alias(g, input_shape)};
  });
}

Tensor Tensor::reshape(const Shape& shape) const {
  return cnn::reshape(*this, shape);
}

Tensor flatten(const Tensor& x, int64_t start_dim) {
  detail::check_defined("flatten", "input", x);
  if (start_dim < 0 || start_dim >= std::max<int64_t>(x.dim(), 1)) {
    throw Error("flatten: start_dim " + std::to_string(start_dim) + " out of range for " +
                shape_str(x.shape()));
  }
  Shape shape(x.shape().begin(), x.shape().begin() + start_dim);
  int64_t rest = 1;
  for (int64_t i = start_dim; i < x.dim(); ++i) rest *= x.shape()[static_cast<size_t>(i)];
  shape.push_back(rest);
  return reshape(x, shape);
}

}  // namespace cnn
