// TensorImpl: what a Tensor handle points at. Public so autograd and ops can reach it, but not
// part of the API users program against (include cnn/tensor.h, not this).
#pragma once

#include <memory>

#include "cnn/allocator.h"
#include "cnn/tensor.h"

namespace cnn {

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  int64_t numel = 0;
  bool requires_grad = false;
  Tensor grad;                    // accumulated gradient (leaves; intermediates during backward)
  std::shared_ptr<Node> grad_fn;  // the node that produced this tensor; null for leaves
};

namespace detail {
// Host <-> device copies of `bytes` between two storages' pointers (synchronous).
void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes);
// A new tensor of `shape` sharing `src`'s storage (no autograd).
Tensor alias(const Tensor& src, const Shape& shape);
}  // namespace detail

}  // namespace cnn
