// CPU vs CUDA for the multi-scale-head ops (leaky_relu, relu6/clamp, sigmoid, upsample_nearest2d,
// concat/narrow/split, binary_cross_entropy_with_logits): one small graph through all of them on
// both devices, forward and backward. Under CNN_CUDA=simt the CUDA side is kernels/cuda on the
// SIMT harness. Tolerances as test_cuda_equivalence.cpp: the ops here are elementwise, copies and
// short sums, so both sides agree to a few float roundings (1e-5 relative + 1e-6 absolute); the
// CPU sigmoid's exp differs from the CUDA one by up to ~1e-7 relative.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;

namespace {

const Device kCuda = Device::cuda();

}  // namespace

TEST_CASE("multi-scale head ops agree between CPU and CUDA, forward and backward", "[cuda]") {
  REQUIRE(cuda_available());
  struct Result {
    float loss_mean, loss_sum;
    std::vector<float> none, upsampled;
    std::vector<std::vector<float>> grads;
  };
  auto run = [](Device d) {
    std::vector<Tensor> leaves{testing::random_tensor({2, 3, 5, 5}, 1, -8.f, 8.f, d),
                               testing::random_tensor({2, 2, 10, 10}, 2, -3.f, 3.f, d)};
    for (Tensor& t : leaves) t.set_requires_grad(true);
    const Tensor targets = testing::random_tensor({2, 5, 10, 10}, 3, 0.f, 1.f, d);
    const Tensor weights = testing::random_tensor({2, 5, 10, 10}, 4, 0.f, 2.f, d);
    // Coarse branch: leaky_relu -> relu6 -> x2 upsample; fine branch: sigmoid; joined on channels.
    const Tensor coarse = upsample_nearest2d(relu6(leaky_relu(leaves[0], 0.1f) * 2.f), 2);
    const Tensor joined = concat({coarse, sigmoid(leaves[1]) * 4.f}, 1);
    const std::vector<Tensor> parts = split(joined, {4, 1}, 1);
    const Tensor logits = concat({parts[0], clamp(parts[1], -1.f, 1.f)}, 1) - 2.f * sigmoid(joined);
    const Tensor mean_loss = binary_cross_entropy_with_logits(logits, targets, weights);
    const Tensor sum_loss = binary_cross_entropy_with_logits(
        narrow(logits, 2, 3, 4), narrow(targets, 2, 3, 4), Tensor(), Reduction::sum);
    const Tensor none =
        binary_cross_entropy_with_logits(logits, targets, Tensor(), Reduction::none);
    (mean_loss + sum_loss * 0.01f + mean(none * none)).backward();
    Result r{mean_loss.item(), sum_loss.item(), none.to_vector(), coarse.to_vector(), {}};
    for (const Tensor& t : leaves) r.grads.push_back(t.grad().to_vector());
    return r;
  };
  const Result cpu = run(Device::cpu());
  const Result cuda = run(kCuda);
  CHECK(cuda.loss_mean == Approx(cpu.loss_mean).epsilon(1e-5));
  CHECK(cuda.loss_sum == Approx(cpu.loss_sum).epsilon(1e-5));
  CHECK(cuda.upsampled == cpu.upsampled);  // exact ops and pure data movement
  CNN_REQUIRE_CLOSE(cuda.none, cpu.none, 1e-6, 1e-5);
  for (size_t i = 0; i < cpu.grads.size(); ++i) {
    INFO("leaf " << i);
    CNN_REQUIRE_CLOSE(cuda.grads[i], cpu.grads[i], 1e-6, 1e-5);
  }
}

TEST_CASE("multi-scale head ops check devices and shapes on CUDA", "[cuda]") {
  const Tensor a = Tensor::ones({1, 2, 3, 3}, kCuda);
  REQUIRE_THROWS_WITH(concat({a, Tensor::ones({1, 2, 3, 3})}, 1),
                      Contains("concat") && Contains("cuda:0") && Contains("cpu"));
  REQUIRE_THROWS_WITH(
      binary_cross_entropy_with_logits(a, Tensor::ones({1, 2, 3, 3})),
      Contains("binary_cross_entropy_with_logits") && Contains("different devices"));
  REQUIRE(upsample_nearest2d(a, 2).shape() == Shape{1, 2, 6, 6});
  REQUIRE(upsample_nearest2d(a, 2).device() == kCuda);
}
