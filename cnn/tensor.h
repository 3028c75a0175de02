// Tensor: a float32, contiguous, row-major (NCHW) array on one device, plus what autograd needs.
//
// A Tensor is a cheap handle (shared_ptr to a TensorImpl): copies alias the same data, like
// torch.Tensor. The data lives in a Storage that views (view/reshape) share. Autograd state (the
// accumulated gradient and the node that produced this tensor) lives in the impl, so every handle
// sees the same grad. Device memory comes from the caching allocator (cnn/allocator.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cnn/device.h"

namespace cnn {

using Shape = std::vector<int64_t>;
std::string shape_str(const Shape& shape);  // "[2,3,8,8]"
int64_t shape_numel(const Shape& shape);

class Generator;
struct Storage;
struct TensorImpl;
struct Node;

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor (defined() == false), e.g. a grad never computed

  // ---- factories (uninitialised memory only through empty()) ----
  static Tensor empty(const Shape& shape, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, Device device = Device::cpu());
  static Tensor ones(const Shape& shape, Device device = Device::cpu());
  static Tensor full(const Shape& shape, float value, Device device = Device::cpu());
  // Uniform in [low, high) / standard normal, drawn on the host from `gen` (the default generator
  // when null) and uploaded, so a seed gives the same values on every device.
  static Tensor rand(const Shape& shape, Device device = Device::cpu(), Generator* gen = nullptr,
                     float low = 0.f, float high = 1.f);
  static Tensor randn(const Shape& shape, Device device = Device::cpu(), Generator* gen = nullptr);
  // requires values.size() == numel(shape).
  static Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                            Device device = Device::cpu());

  // ---- inspection ----
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t axis) const;  // negative axes count from the end
  int64_t numel() const;
  Device device() const;
  // Raw pointer to the first element: host memory on CPU, device memory on CUDA.
  float* data() const;
  std::vector<float> to_vector() const;  // copies to the host (synchronises on CUDA)
  float item() const;                    // requires numel() == 1
  std::string str() const;               // shape, device and (up to 16) values

  // ---- copies and views ----
  Tensor to(Device device) const;  // a copy on `device` (same handle when already there), no grad
  Tensor clone() const;            // a copy on the same device, no grad
  Tensor detach() const;           // same storage, cut from the graph
  // Same storage, new shape (numel must match; one -1 is inferred). Records a backward node.
  Tensor reshape(const Shape& shape) const;
  Tensor view(const Shape& shape) const { return reshape(shape); }
  // In place: overwrite this tensor's values with `src` (same numel, any device). Not recorded.
  void copy_(const Tensor& src);
  // In place: move this tensor's storage to `device` so every handle follows (Module::to uses it).
  // requires a leaf tensor (no grad_fn); a grad is moved too.
  void move_to_(Device device);

  // ---- autograd ----
  bool requires_grad() const;
  Tensor& set_requires_grad(bool value = true);
  bool is_leaf() const;
  // The accumulated gradient; undefined until a backward() reaches this tensor.
  Tensor grad() const;
  void set_grad(const Tensor& grad);
  void zero_grad();  // drops the gradient (PyTorch's set_to_none), returning its memory
  // Reverse-mode sweep from this tensor. A scalar gets seed 1; otherwise pass `grad_output` of
  // the same shape. retain_graph=false frees saved tensors, so a second backward through the same
  // graph is a cnn::Error.
  void backward(const Tensor& grad_output = Tensor(), bool retain_graph = false) const;
  const std::shared_ptr<Node>& grad_fn() const;

  // ---- internals used by ops and autograd ----
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  bool same(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  const TensorImpl& checked() const;
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace cnn
