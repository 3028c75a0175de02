// Tensor: factories, copies between devices, views and printing. Autograd entry points
// (backward, grads) are in autograd.cpp.
#include "cnn/tensor.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "cnn/autograd.h"
#include "cnn/detail/backend.h"
#include "cnn/detail/tensor_impl.h"
#include "cnn/random.h"

namespace cnn {

std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("tensor shape " + shape_str(shape) + " has a negative dimension");
    n *= d;
  }
  return n;
}

namespace detail {

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  if (dst_device.is_cpu() && src_device.is_cpu()) {
    std::memcpy(dst, src, bytes);
    return;
  }
#if defined(CNN_WITH_CUDA)
  const cudaMemcpyKind kind = dst_device.is_cpu()   ? cudaMemcpyDeviceToHost
                              : src_device.is_cpu() ? cudaMemcpyHostToDevice
                                                    : cudaMemcpyDeviceToDevice;
  CNN_CUDA_CHECK(cudaMemcpy(dst, src, bytes, kind));
#else
  throw_built_without_cuda("copy to/from a CUDA tensor");
#endif
}

Tensor alias(const Tensor& src, const Shape& shape) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = src.impl()->storage;
  impl->shape = shape;
  impl->numel = shape_numel(shape);
  return Tensor(std::move(impl));
}

}  // namespace detail

const TensorImpl& Tensor::checked() const {
  if (!impl_) throw Error("operation on an undefined tensor");
  return *impl_;
}

Tensor Tensor::empty(const Shape& shape, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->numel = shape_numel(shape);
  impl->storage =
      std::make_shared<Storage>(static_cast<size_t>(impl->numel) * sizeof(float), device);
  return Tensor(std::move(impl));
}

Tensor Tensor::full(const Shape& shape, float value, Device device) {
  Tensor t = empty(shape, device);
  CNN_KERNEL(device, "full", kcpu::fill(t.numel(), value, t.data()),
             kcuda::fill(t.numel(), value, t.data(), detail::cuda_stream()));
  return t;
}

Tensor Tensor::zeros(const Shape& shape, Device device) {
  return full(shape, 0.f, device);
}
Tensor Tensor::ones(const Shape& shape, Device device) {
  return full(shape, 1.f, device);
}

Tensor Tensor::rand(const Shape& shape, Device device, Generator* gen, float low, float high) {
  Generator& g = gen ? *gen : default_generator();
  std::vector<float> values(static_cast<size_t>(shape_numel(shape)));
  for (float& v : values) v = g.uniform(low, high);
  return from_vector(values, shape, device);
}

Tensor Tensor::randn(const Shape& shape, Device device, Generator* gen) {
  Generator& g = gen ? *gen : default_generator();
  std::vector<float> values(static_cast<size_t>(shape_numel(shape)));
  for (float& v : values) v = g.normal();
  return from_vector(values, shape, device);
}

Tensor Tensor::from_vector(const std::vector<float>& values, const Shape& shape, Device device) {
  const int64_t n = shape_numel(shape);
  if (static_cast<int64_t>(values.size()) != n) {
    throw Error("Tensor::from_vector: " + std::to_string(values.size()) +
                " values do not fill shape " + shape_str(shape) + " (" + std::to_string(n) +
                " elements)");
  }
  Tensor t = empty(shape, device);
  detail::copy_bytes(t.data(), device, values.data(), Device::cpu(), values.size() * sizeof(float));
  return t;
}

const Shape& Tensor::shape() const {
  return checked().shape;
}

int64_t Tensor::size(int64_t axis) const {
  const int64_t d = dim();
  const int64_t a = axis < 0 ? axis + d : axis;
  if (a < 0 || a >= d) {
    throw Error("Tensor::size: axis " + std::to_string(axis) + " out of range for shape " +
                shape_str(shape()));
  }
  return shape()[static_cast<size_t>(a)];
}

int64_t Tensor::numel() const {
  return checked().numel;
}
Device Tensor::device() const {
  return checked().storage->device;
}
float* Tensor::data() const {
  return static_cast<float*>(checked().storage->data);
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> out(static_cast<size_t>(numel()));
  detail::copy_bytes(out.data(), Device::cpu(), data(), device(), out.size() * sizeof(float));
  return out;
}

float Tensor::item() const {
  if (numel() != 1) {
    throw Error("Tensor::item: needs exactly one element, shape is " + shape_str(shape()));
  }
  return to_vector()[0];
}

std::string Tensor::str() const {
  if (!impl_) return "Tensor(undefined)";
  std::ostringstream os;
  os << "Tensor(shape=" << shape_str(shape()) << ", device=" << device().str();
  if (requires_grad()) os << ", requires_grad";
  os << ", values=[";
  const std::vector<float> v = to_vector();
  const size_t shown = std::min<size_t>(v.size(), 16);
  for (size_t i = 0; i < shown; ++i) os << (i ? ", " : "") << v[i];
  if (shown < v.size()) os << ", ... (" << v.size() << " total)";
  os << "])";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  return os << t.str();
}

Tensor Tensor::to(Device target) const {
  if (device() == target) return *this;
  Tensor out = empty(shape(), target);
  detail::copy_bytes(out.data(), target, data(), device(),
                     static_cast<size_t>(numel()) * sizeof(float));
  return out;
}

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), device());
  detail::copy_bytes(out.data(), device(), data(), device(),
                     static_cast<size_t>(numel()) * sizeof(float));
  return out;
}

Tensor Tensor::detach() const {
  return detail::alias(*this, shape());
}

void Tensor::copy_(const Tensor& src) {
  if (src.numel() != numel()) {
    throw Error("Tensor::copy_: source " + shape_str(src.shape()) + " and destination " +
                shape_str(shape()) + " differ in size");
  }
  detail::copy_bytes(data(), device(), src.data(), src.device(),
                     static_cast<size_t>(numel()) * sizeof(float));
}

void Tensor::move_to_(Device target) {
  TensorImpl& impl = *impl_;
  if (impl.grad_fn) throw Error("Tensor::move_to_: only leaf tensors can be moved in place");
  if (impl.storage->device == target) return;
  auto storage = std::make_shared<Storage>(impl.storage->bytes, target);
  detail::copy_bytes(storage->data, target, impl.storage->data, impl.storage->device,
                     impl.storage->bytes);
  impl.storage = std::move(storage);
  if (impl.grad.defined()) impl.grad = impl.grad.to(target);
}

}  // namespace cnn
