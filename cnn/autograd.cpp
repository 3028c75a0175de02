// The autograd engine: graph recording, topological ordering and gradient accumulation.
#include "cnn/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "cnn/detail/backend.h"
#include "cnn/detail/tensor_impl.h"
#include "cnn/ops.h"

namespace cnn {
namespace {

thread_local bool t_grad_enabled = true;

// target += g. The first gradient is adopted without a copy when nothing else can see it (the
// common case: a backward closure's fresh output); otherwise it is copied, so that accumulating
// into it later never writes through an alias (e.g. add's backward hands out grad_output twice).
void accumulate(Tensor& target, Tensor g, const Shape& shape, const std::string& from) {
  if (g.numel() != shape_numel(shape)) {
    throw Error("autograd: '" + from + "' produced a gradient of shape " + shape_str(g.shape()) +
                " for an input of shape " + shape_str(shape));
  }
  if (!target.defined()) {
    const bool unshared =
        g.impl().use_count() == 1 && g.impl()->storage.use_count() == 1 && !g.impl()->grad_fn;
    Tensor owned = unshared ? g : g.clone();
    owned.impl()->shape = shape;
    owned.impl()->requires_grad = false;
    target = owned;
    return;
  }
  detail::check_same_device("autograd accumulate", "grad", target, "incoming grad", g);
  CNN_KERNEL(target.device(), "autograd accumulate",
             kcpu::axpy(g.numel(), 1.f, g.data(), target.data()),
             kcuda::axpy(g.numel(), 1.f, g.data(), target.data(), detail::cuda_stream()));
}

// Post-order DFS over the graph below `root` (iterative, so deep graphs cannot overflow the
// stack): each tensor comes after the tensors it was computed from, so the reverse is a valid
// backward order. Meeting a freed node means a second backward through a released graph.
std::vector<Tensor> topological_order(const Tensor& root) {
  std::vector<Tensor> order;
  std::unordered_set<const TensorImpl*> visited;
  std::vector<std::pair<Tensor, size_t>> stack;  // tensor, next input to visit
  stack.emplace_back(root, 0);
  visited.insert(root.impl().get());
  while (!stack.empty()) {
    auto& [t, next] = stack.back();
    const std::shared_ptr<Node>& node = t.impl()->grad_fn;
    if (node->freed) {
      throw Error("backward: the graph through '" + node->name +
                  "' was already freed by an earlier backward(); pass retain_graph=true to the "
                  "first backward() to run backward twice");
    }
    if (next < node->inputs.size()) {
      const Tensor input = node->inputs[next++];
      if (input.defined() && input.impl()->grad_fn && visited.insert(input.impl().get()).second) {
        stack.emplace_back(input, 0);
      }
      continue;
    }
    order.push_back(t);
    stack.pop_back();
  }
  return order;
}

}  // namespace

bool grad_enabled() {
  return t_grad_enabled;
}

NoGradGuard::NoGradGuard() : previous_(t_grad_enabled) {
  t_grad_enabled = false;
}
NoGradGuard::~NoGradGuard() {
  t_grad_enabled = previous_;
}

Tensor record(const std::string& op, Tensor output, std::vector<Tensor> inputs,
              Node::BackwardFn backward) {
  if (!t_grad_enabled) return output;
  bool any = false;
  for (const Tensor& t : inputs) any = any || (t.defined() && t.requires_grad());
  if (!any) return output;
  auto node = std::make_shared<Node>();
  node->name = op;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  output.impl()->grad_fn = std::move(node);
  output.impl()->requires_grad = true;
  return output;
}

bool Tensor::requires_grad() const {
  return checked().requires_grad;
}

Tensor& Tensor::set_requires_grad(bool value) {
  if (!value && checked().grad_fn) {
    throw Error("set_requires_grad(false) on a non-leaf tensor; use detach() instead");
  }
  impl_->requires_grad = value;
  return *this;
}

bool Tensor::is_leaf() const {
  return checked().grad_fn == nullptr;
}
Tensor Tensor::grad() const {
  return checked().grad;
}

void Tensor::set_grad(const Tensor& grad) {
  if (grad.defined() && (grad.numel() != numel() || grad.device() != device())) {
    throw Error("set_grad: gradient " + shape_str(grad.shape()) + " on " + grad.device().str() +
                " does not match tensor " + shape_str(shape()) + " on " + device().str());
  }
  impl_->grad = grad;
}

void Tensor::zero_grad() {
  checked();
  impl_->grad = Tensor();
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  return checked().grad_fn;
}

void Tensor::backward(const Tensor& grad_output, bool retain_graph) const {
  if (!requires_grad()) {
    throw Error("backward: tensor " + shape_str(shape()) +
                " does not require grad (no input of the computation had requires_grad)");
  }
  Tensor seed = grad_output;
  if (!seed.defined()) {
    if (numel() != 1) {
      throw Error("backward: grad_output can be omitted only for a one-element tensor, shape is " +
                  shape_str(shape()));
    }
    seed = Tensor::ones(shape(), device());
  } else if (seed.numel() != numel() || seed.device() != device()) {
    throw Error("backward: grad_output " + shape_str(seed.shape()) + " on " + seed.device().str() +
                " does not match tensor " + shape_str(shape()) + " on " + device().str());
  }
  if (is_leaf()) {
    accumulate(impl_->grad, seed, shape(), "backward seed");
    return;
  }

  const std::vector<Tensor> order = topological_order(*this);
  NoGradGuard no_grad;  // backward closures compute plain tensors (no double backward)
  // Gradients of non-leaf tensors, dropped as soon as their node has consumed them.
  std::unordered_map<const TensorImpl*, Tensor> pending;
  accumulate(pending[impl_.get()], seed, shape(), "backward seed");
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Tensor& t = *it;
    Node& node = *t.impl()->grad_fn;
    auto found = pending.find(t.impl().get());
    if (found == pending.end()) continue;  // no gradient reached this tensor
    const Tensor grad = found->second;
    pending.erase(found);
    std::vector<Tensor> grads = node.backward(grad);
    if (grads.size() != node.inputs.size()) {
      throw Error("autograd: backward of '" + node.name + "' returned " +
                  std::to_string(grads.size()) + " gradients for " +
                  std::to_string(node.inputs.size()) + " inputs");
    }
    for (size_t i = 0; i < grads.size(); ++i) {
      const Tensor& input = node.inputs[i];
      if (!input.defined() || !input.requires_grad() || !grads[i].defined()) continue;
      Tensor& slot = input.impl()->grad_fn ? pending[input.impl().get()] : input.impl()->grad;
      accumulate(slot, std::move(grads[i]), input.shape(), node.name);
    }
    if (!retain_graph) {
      node.backward = nullptr;  // frees the saved tensors
      node.inputs.clear();
      node.freed = true;
    }
  }
}

}  // namespace cnn
