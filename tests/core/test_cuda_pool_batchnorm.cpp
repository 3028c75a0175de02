// CPU vs CUDA for the pooling and batch-norm ops and modules: TF-'same' max pooling, avg_pool2d,
// global_avg_pool2d and BatchNorm2d (training steps with the running-stat update on the device,
// then eval), forward and backward, and fold_batchnorm on a CUDA conv. Under CNN_CUDA=simt the
// CUDA side is kernels/cuda on the SIMT harness.
//
// Tolerances: max pooling selects elements, so it must agree exactly. The rest are short float
// sums in different orders on the two backends (window sums, per-channel statistics accumulated
// in double on both): 1e-5 relative plus 1e-6 absolute, as the other equivalence tests.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace cnn;

namespace {

const Device kCuda = Device::cuda();

Tensor leaf_on(const Tensor& host, Device d) {
  Tensor t = host.to(d);
  if (t.same(host)) t = host.clone();
  t.set_requires_grad(true);
  return t;
}

}  // namespace

TEST_CASE("pooling ops agree between CPU and CUDA, forward and backward", "[cuda][pool_bn]") {
  const Tensor x = testing::random_tensor({2, 3, 13, 11}, 21);
  const Tensor dy_same = testing::random_tensor({2, 3, 7, 6}, 22);
  Tensor xc = leaf_on(x, Device::cpu()), xg = leaf_on(x, kCuda);

  SECTION("max_pool2d_same 2x2 stride 2 (13x11 -> 7x6), exact") {
    const Tensor yc = max_pool2d_same(xc, 2, 2), yg = max_pool2d_same(xg, 2, 2);
    REQUIRE(yg.shape() == Shape{2, 3, 7, 6});
    REQUIRE(yg.to_vector() == yc.to_vector());
    yc.backward(dy_same);
    yg.backward(dy_same.to(kCuda));
    REQUIRE(xg.grad().to_vector() == xc.grad().to_vector());
  }
  SECTION("avg_pool2d 3x3 stride 2 pad 1, both divisor rules") {
    for (const bool include_pad : {true, false}) {
      INFO("count_include_pad " << include_pad);
      xc.zero_grad(), xg.zero_grad();
      const Tensor yc = avg_pool2d(xc, 3, 2, 1, include_pad);
      const Tensor yg = avg_pool2d(xg, 3, 2, 1, include_pad);
      CNN_REQUIRE_CLOSE(yg.to_vector(), yc.to_vector(), 1e-6, 1e-5);
      const Tensor dy = testing::random_tensor(yc.shape(), 23);
      yc.backward(dy);
      yg.backward(dy.to(kCuda));
      CNN_REQUIRE_CLOSE(xg.grad().to_vector(), xc.grad().to_vector(), 1e-6, 1e-5);
    }
  }
  SECTION("global_avg_pool2d") {
    const Tensor yc = global_avg_pool2d(xc), yg = global_avg_pool2d(xg);
    REQUIRE(yg.shape() == Shape{2, 3, 1, 1});
    CNN_REQUIRE_CLOSE(yg.to_vector(), yc.to_vector(), 1e-6, 1e-5);
    const Tensor dy = testing::random_tensor({2, 3, 1, 1}, 24);
    yc.backward(dy);
    yg.backward(dy.to(kCuda));
    CNN_REQUIRE_CLOSE(xg.grad().to_vector(), xc.grad().to_vector(), 1e-6, 1e-5);
  }
}

TEST_CASE("BatchNorm2d agrees between CPU and CUDA: training steps, running stats, eval",
          "[cuda][pool_bn]") {
  nn::BatchNorm2d bn_cpu(3), bn_cuda(3);
  bn_cuda.to(kCuda);
  // A large channel mean next to a spread of 1: the statistics must not cancel on either side.
  const Tensor x = testing::random_tensor({2, 3, 5, 7}, 31, 99.f, 101.f);
  const Tensor dy = testing::random_tensor({2, 3, 5, 7}, 32);
  for (int step = 0; step < 2; ++step) {
    INFO("training step " << step);
    Tensor xc = leaf_on(x, Device::cpu()), xg = leaf_on(x, kCuda);
    const Tensor yc = bn_cpu(xc), yg = bn_cuda(xg);
    CNN_REQUIRE_CLOSE(yg.to_vector(), yc.to_vector(), 1e-5, 1e-5);
    yc.backward(dy);
    yg.backward(dy.to(kCuda));
    CNN_REQUIRE_CLOSE(xg.grad().to_vector(), xc.grad().to_vector(), 1e-5, 1e-4);
    CNN_REQUIRE_CLOSE(bn_cuda.weight().grad().to_vector(), bn_cpu.weight().grad().to_vector(), 1e-5,
                      1e-4);
    CNN_REQUIRE_CLOSE(bn_cuda.bias().grad().to_vector(), bn_cpu.bias().grad().to_vector(), 1e-5,
                      1e-5);
    CNN_REQUIRE_CLOSE(bn_cuda.running_mean().to_vector(), bn_cpu.running_mean().to_vector(), 1e-6,
                      1e-6);
    CNN_REQUIRE_CLOSE(bn_cuda.running_var().to_vector(), bn_cpu.running_var().to_vector(), 1e-6,
                      1e-5);
    REQUIRE(bn_cuda.num_batches_tracked().device() == kCuda);
    REQUIRE(bn_cuda.num_batches_tracked().item() == float(step + 1));
    bn_cpu.zero_grad(), bn_cuda.zero_grad();
  }
  bn_cpu.eval(), bn_cuda.eval();
  Tensor xc = leaf_on(x, Device::cpu()), xg = leaf_on(x, kCuda);
  const Tensor yc = bn_cpu(xc), yg = bn_cuda(xg);
  CNN_REQUIRE_CLOSE(yg.to_vector(), yc.to_vector(), 1e-5, 1e-5);
  yc.backward(dy);
  yg.backward(dy.to(kCuda));
  CNN_REQUIRE_CLOSE(xg.grad().to_vector(), xc.grad().to_vector(), 1e-6, 1e-5);
  CNN_REQUIRE_CLOSE(bn_cuda.weight().grad().to_vector(), bn_cpu.weight().grad().to_vector(), 1e-4,
                    1e-4);
  REQUIRE(bn_cuda.num_batches_tracked().item() == 2.f);
}

TEST_CASE("fold_batchnorm on a CUDA conv equals conv + BatchNorm2d(eval)", "[cuda][pool_bn]") {
  Generator gen(9);
  nn::Conv2d conv(2, 3, 3, 1, 1, false, &gen);
  nn::BatchNorm2d bn(3);
  conv.to(kCuda), bn.to(kCuda);
  // Give BN real statistics with two training steps, then freeze it.
  for (uint64_t seed : {41, 42})
    (void)bn(conv(testing::random_tensor({2, 2, 6, 6}, seed, -1.f, 2.f, kCuda)));
  bn.eval();
  const Tensor x = testing::random_tensor({2, 2, 6, 6}, 43, -1.f, 1.f, kCuda);
  const std::vector<float> want = bn(conv(x)).to_vector();
  nn::fold_batchnorm(conv, bn);
  REQUIRE(conv.bias().device() == kCuda);
  CNN_REQUIRE_CLOSE(conv(x).to_vector(), want, 1e-5, 1e-4);
}
