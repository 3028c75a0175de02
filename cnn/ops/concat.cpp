// concat, narrow and split along any dimension, all on the one strided block copy copy_2d.
//
// Seen around dimension d, a contiguous tensor is a [outer, size(d) * inner] matrix (outer = the
// product of the dimensions before d, inner = of those after it). Concatenation then copies each
// input's [outer, size_i(d) * inner] matrix into a column block of the output's rows, and
// narrowing copies a column block out: one copy_2d each, forward and backward, whatever d is.
#include <numeric>
#include <string>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/ops.h"

namespace cnn {
namespace {

// Resolves a possibly negative dimension against a tensor of `rank` dimensions.
int64_t resolve_dim(const char* op, int64_t dim, int64_t rank) {
  const int64_t d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= rank) {
    throw Error(std::string(op) + ": dimension " + std::to_string(dim) + " out of range for a " +
                std::to_string(rank) + "-D tensor");
  }
  return d;
}

int64_t product(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= shape[i];
  return p;
}

}  // namespace

// CNN_KERNEL pastes the op name into its error message, so it must stay a string literal.
#define CNN_COPY_BLOCK(device, op_name, rows, cols, src, src_ld, dst, dst_ld)      \
  CNN_KERNEL(device, op_name, kcpu::copy_2d(rows, cols, src, src_ld, dst, dst_ld), \
             kcuda::copy_2d(rows, cols, src, src_ld, dst, dst_ld, detail::cuda_stream()))

Tensor concat(const std::vector<Tensor>& xs, int64_t dim) {
  constexpr const char* op = "concat";
  if (xs.empty()) throw Error("concat: no tensors to concatenate");
  for (size_t i = 0; i < xs.size(); ++i) {
    const std::string name = "input " + std::to_string(i);
    detail::check_defined(op, name.c_str(), xs[i]);
    detail::check_same_device(op, "input 0", xs[0], name.c_str(), xs[i]);
  }
  const Shape& first = xs[0].shape();
  const int64_t rank = static_cast<int64_t>(first.size());
  const int64_t d = resolve_dim(op, dim, rank);
  Shape out_shape = first;
  out_shape[size_t(d)] = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Shape& s = xs[i].shape();
    bool compatible = static_cast<int64_t>(s.size()) == rank;
    for (int64_t k = 0; compatible && k < rank; ++k)
      compatible = k == d || s[size_t(k)] == first[size_t(k)];
    if (!compatible) {
      throw Error("concat: input " + std::to_string(i) + " " + shape_str(s) + " does not match " +
                  "input 0 " + shape_str(first) + " outside dimension " + std::to_string(d));
    }
    out_shape[size_t(d)] += s[size_t(d)];
  }
  const int64_t outer = product(first, 0, size_t(d));
  const int64_t inner = product(first, size_t(d) + 1, first.size());
  const int64_t out_cols = out_shape[size_t(d)] * inner;
  const Device device = xs[0].device();

  Tensor out = Tensor::empty(out_shape, device);
  std::vector<int64_t> offsets;  // column offset of each input in the output's rows
  int64_t offset = 0;
  for (const Tensor& x : xs) {
    const int64_t cols = x.size(d) * inner;
    offsets.push_back(offset);
    CNN_COPY_BLOCK(device, "concat", outer, cols, x.data(), cols, out.data() + offset, out_cols);
    offset += cols;
  }

  std::vector<Shape> shapes;
  std::vector<bool> needs_grad;
  for (const Tensor& x : xs) {
    shapes.push_back(x.shape());
    needs_grad.push_back(x.requires_grad());
  }
  return record(op, out, xs,
                [shapes, needs_grad, offsets, outer, inner, out_cols, d](const Tensor& g) {
                  std::vector<Tensor> grads(shapes.size());
                  for (size_t i = 0; i < shapes.size(); ++i) {
                    if (!needs_grad[i]) continue;
                    const int64_t cols = shapes[i][size_t(d)] * inner;
                    grads[i] = Tensor::empty(shapes[i], g.device());
                    CNN_COPY_BLOCK(g.device(), "concat backward", outer, cols,
                                   g.data() + offsets[i], out_cols, grads[i].data(), cols);
                  }
                  return grads;
                });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  constexpr const char* op = "narrow";
  detail::check_defined(op, "input", x);
  const Shape& shape = x.shape();
  const int64_t d = resolve_dim(op, dim, x.dim());
  const int64_t size = shape[size_t(d)];
  if (start < 0 || length < 0 || start + length > size) {
    throw Error("narrow: [" + std::to_string(start) + ", " + std::to_string(start + length) +
                ") is outside dimension " + std::to_string(d) + " of " + shape_str(shape));
  }
  const int64_t outer = product(shape, 0, size_t(d));
  const int64_t inner = product(shape, size_t(d) + 1, shape.size());
  const int64_t in_cols = size * inner, cols = length * inner, offset = start * inner;
  Shape out_shape = shape;
  out_shape[size_t(d)] = length;
  Tensor out = Tensor::empty(out_shape, x.device());
  CNN_COPY_BLOCK(x.device(), "narrow", outer, cols, x.data() + offset, in_cols, out.data(), cols);
  return record(op, out, {x}, [shape, outer, cols, in_cols, offset](const Tensor& g) {
    Tensor dx = Tensor::zeros(shape, g.device());
    CNN_COPY_BLOCK(g.device(), "narrow backward", outer, cols, g.data(), cols, dx.data() + offset,
                   in_cols);
    return std::vector<Tensor>{dx};
  });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  detail::check_defined("split", "input", x);
  const int64_t d = resolve_dim("split", dim, x.dim());
  const int64_t total = std::accumulate(sizes.begin(), sizes.end(), int64_t(0));
  if (total != x.size(d)) {
    throw Error("split: sizes add up to " + std::to_string(total) + " but dimension " +
                std::to_string(d) + " of " + shape_str(x.shape()) + " is " +
                std::to_string(x.size(d)));
  }
  std::vector<Tensor> parts;
  int64_t start = 0;
  for (const int64_t size : sizes) {
    parts.push_back(narrow(x, d, start, size));
    start += size;
  }
  return parts;
}

}  // namespace cnn
