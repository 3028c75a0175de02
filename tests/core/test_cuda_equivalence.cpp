// CPU vs CUDA: the same computation on both devices must agree. Under CNN_CUDA=simt the CUDA side
// is kernels/cuda running on the SIMT harness, so every CUDA code path of the library runs in CI.
//
// Tolerances: both sides accumulate in float32 but in different orders (CPU: packed GEMM with
// OpenMP K-split; CUDA: tiled implicit GEMM, split-K), so values differ by rounding that grows
// with the reduction length (up to 80000 for the first linear layer). Logits and loss: 1e-4
// relative + 1e-5 absolute. Gradients: 1e-3 relative plus an absolute floor of 1e-3 of the
// tensor's largest gradient (elements that are sums of many cancelling terms have no meaningful
// relative accuracy). SGD step: parameters to 1e-6 (the update is lr x gradient). Adam step:
// lr * 1e-4 absolute, 1e-6 relative, from identical inputs (see the check).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;

namespace {

const Device kCuda = Device::cuda();

double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m = std::max(m, double(std::abs(x)));
  return m;
}

void require_params_close(const nn::Module& cpu, const nn::Module& cuda, double rtol,
                          double scale_atol, bool grads) {
  const nn::NamedTensors a = cpu.named_parameters(), b = cuda.named_parameters();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO((grads ? "gradient of " : "parameter ") << a[i].first);
    const Tensor ta = grads ? a[i].second.grad() : a[i].second;
    const Tensor tb = grads ? b[i].second.grad() : b[i].second;
    REQUIRE(ta.defined());
    REQUIRE(tb.defined());
    REQUIRE(tb.device() == kCuda);
    const std::vector<float> va = ta.to_vector();
    CNN_REQUIRE_CLOSE(tb.to_vector(), va, scale_atol * max_abs(va) + 1e-12, rtol);
  }
}

}  // namespace

TEST_CASE("CUDA tensors: copies, device checks and the caching allocator", "[cuda]") {
  REQUIRE(cuda_available());
  const Tensor host = testing::random_tensor({3, 5}, 1);
  const Tensor dev = host.to(kCuda);
  REQUIRE(dev.device() == kCuda);
  REQUIRE(dev.to_vector() == host.to_vector());
  REQUIRE(dev.to(Device::cpu()).to_vector() == host.to_vector());
  REQUIRE(Tensor::zeros({7}, kCuda).to_vector() == std::vector<float>(7, 0.f));
  REQUIRE_THROWS_WITH(add(host, dev), Contains("add") && Contains("cpu") && Contains("cuda:0"));
  REQUIRE_THROWS_WITH(linear(host, Tensor::zeros({2, 5}, kCuda)),
                      Contains("linear") && Contains("different devices"));

  // Steady state: the same shapes again reuse cached blocks, no new device allocation.
  for (int i = 0; i < 2; ++i) (void)relu(Tensor::ones({1000}, kCuda)).to_vector();
  const int64_t before = cuda_memory_stats().device_allocations;
  for (int i = 0; i < 10; ++i) (void)relu(Tensor::ones({1000}, kCuda)).to_vector();
  REQUIRE(cuda_memory_stats().device_allocations == before);
  REQUIRE(cuda_memory_stats().peak_bytes >= cuda_memory_stats().bytes_in_use);
}

// AddressSanitizer aborts on an impossible allocation instead of failing it, so this check runs
// in the other builds only.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("CUDA out of memory names the request and suggests a smaller batch", "[cuda]") {
  REQUIRE_THROWS_WITH(
      Tensor::empty({int64_t(1) << 42}, kCuda),
      Contains("out of memory") && Contains("17592186044416 bytes") && Contains("smaller batch"));
  REQUIRE(Tensor::ones({4}, kCuda).to_vector() == std::vector<float>(4, 1.f));  // still usable
}
#endif

TEST_CASE("every op agrees between CPU and CUDA, forward and backward", "[cuda]") {
  const std::vector<int32_t> labels{2, 0, 1};
  auto run = [&](Device d, std::vector<Tensor>& leaves) {
    leaves = {testing::random_tensor({3, 2, 6, 6}, 1, -1.f, 1.f, d),
              testing::random_tensor({4, 2, 3, 3}, 2, -0.5f, 0.5f, d),
              testing::random_tensor({4}, 3, -0.1f, 0.1f, d),
              testing::random_tensor({3, 36}, 4, -0.3f, 0.3f, d),
              testing::random_tensor({3}, 5, -0.1f, 0.1f, d)};
    for (Tensor& t : leaves) t.set_requires_grad(true);
    Generator gen(6);
    const Tensor h = dropout(relu(conv2d(leaves[0], leaves[1], leaves[2], 1, 1)), 0.2f, true, &gen);
    const Tensor pooled = flatten(max_pool2d(h, 2));
    const Tensor logits = linear(pooled, leaves[3], leaves[4]);
    const Tensor loss = cross_entropy(logits, labels) +
                        mean(softmax(logits) * log_softmax(logits)) + sum(logits * logits) * 0.01f -
                        mean(logits);
    loss.backward();
    return loss.item();
  };
  std::vector<Tensor> cpu, cuda;
  const float loss_cpu = run(Device::cpu(), cpu);
  const float loss_cuda = run(kCuda, cuda);
  REQUIRE(loss_cuda == Approx(loss_cpu).epsilon(1e-5));
  for (size_t i = 0; i < cpu.size(); ++i) {
    INFO("leaf " << i);
    CNN_REQUIRE_CLOSE(cuda[i].grad().to_vector(), cpu[i].grad().to_vector(), 1e-6, 1e-4);
  }
}

TEST_CASE("the seed network at batch 2: logits, loss, gradients, SGD and Adam steps agree",
          "[cuda][seed]") {
  Generator gen_cpu(2024), gen_cuda(2024);
  auto cpu_net = nn::mask_detection_net(&gen_cpu);
  auto cuda_net = nn::mask_detection_net(&gen_cuda);
  cuda_net->to(kCuda);
  const Tensor x = testing::random_tensor({2, 3, 100, 100}, 7, 0.f, 1.f);
  const std::vector<int32_t> labels{1, 0};

  const Tensor logits_cpu = (*cpu_net)(x);
  const Tensor logits_cuda = (*cuda_net)(x.to(kCuda));
  CNN_REQUIRE_CLOSE(logits_cuda.to_vector(), logits_cpu.to_vector(), 1e-5, 1e-4);
  const Tensor loss_cpu = cross_entropy(logits_cpu, labels);
  const Tensor loss_cuda = cross_entropy(logits_cuda, labels);
  REQUIRE(loss_cuda.item() == Approx(loss_cpu.item()).epsilon(1e-4));

  loss_cpu.backward();
  loss_cuda.backward();
  require_params_close(*cpu_net, *cuda_net, 1e-3, 1e-3, /*grads=*/true);

  // One SGD step (momentum, weight decay) from identical weights and near-identical gradients:
  // the update is linear in the gradient, so parameters agree to the gradient tolerance x lr.
  optim::SgdOptions sgd{1e-3f, 0.9f, 0.f, 1e-4f, false};
  optim::SGD sgd_cpu(cpu_net->parameters(), sgd), sgd_cuda(cuda_net->parameters(), sgd);
  sgd_cpu.step();
  sgd_cuda.step();
  require_params_close(*cpu_net, *cuda_net, 1e-6, 1e-6, /*grads=*/false);

  // One Adam step from identical inputs. Adam's first step is lr * g / (|g| + eps), which
  // amplifies the rounding differences of gradients near zero (|g| ~ eps) without bound, so the
  // step is compared on the same parameters and gradients on both devices: what is checked is
  // the fused update, to float rounding.
  {
    const nn::NamedTensors a = cpu_net->named_parameters(), b = cuda_net->named_parameters();
    for (size_t i = 0; i < a.size(); ++i) {
      Tensor pb = b[i].second;
      pb.copy_(a[i].second);
      pb.set_grad(a[i].second.grad().to(kCuda));
    }
  }
  optim::AdamOptions adam;
  adam.lr = 1e-4f;
  optim::Adam adam_cpu(cpu_net->parameters(), adam), adam_cuda(cuda_net->parameters(), adam);
  adam_cpu.step();
  adam_cuda.step();
  const nn::NamedTensors a = cpu_net->named_parameters(), b = cuda_net->named_parameters();
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("parameter " << a[i].first << " after Adam");
    CNN_REQUIRE_CLOSE(b[i].second.to_vector(), a[i].second.to_vector(), adam.lr * 1e-4, 1e-6);
  }
}
