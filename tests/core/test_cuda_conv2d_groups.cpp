// Grouped and depthwise conv2d: CPU and CUDA agree, forward and backward, through the core
// (nn::Conv2d, autograd). The CPU side runs the dedicated depthwise kernels and the per-group GEMM
// lowering, the CUDA side the depthwise kernels and the per-group implicit GEMMs: independent
// implementations, each also compared with the double reference in tests/kernels.
// Tolerances as in test_cuda_equivalence.cpp (float sums in different orders).
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace cnn;

namespace {

const Device kCuda = Device::cuda();

struct Result {
  std::vector<float> y, dx, dw, db;
};

Result run(Device d, int C, int K, const nn::Conv2dConfig& config, const Shape& x_shape) {
  Generator gen(42);
  nn::Conv2d conv(C, K, config, &gen);
  conv.to(d);
  Tensor x = testing::random_tensor(x_shape, 1, -1.f, 1.f, d);
  x.set_requires_grad(true);
  const Tensor y = conv.forward(x);
  const Tensor weights = testing::random_tensor(y.shape(), 2, -1.f, 1.f, d);
  sum(y * weights).backward();
  return {y.to_vector(), x.grad().to_vector(), conv.weight().grad().to_vector(),
          conv.bias().grad().to_vector()};
}

}  // namespace

TEST_CASE("grouped and depthwise conv2d agree between CPU and CUDA", "[cuda]") {
  struct Case {
    const char* what;
    int C, K;
    nn::Conv2dConfig config;
    Shape x;
  };
  auto config = [](int kh, int kw, int sh, int sw, int ph, int pw, int groups) {
    nn::Conv2dConfig c;
    c.kernel_h = kh, c.kernel_w = kw, c.stride_h = sh, c.stride_w = sw, c.pad_h = ph, c.pad_w = pw,
    c.groups = groups;
    return c;
  };
  for (const Case& c :
       {Case{"depthwise 3x3 pad 1", 16, 16, config(3, 3, 1, 1, 1, 1, 16), {2, 16, 13, 13}},
        Case{"depthwise x2 stride 2", 8, 16, config(3, 3, 2, 2, 1, 1, 8), {1, 8, 12, 11}},
        Case{"groups 4 stride 1x2", 8, 12, config(3, 3, 1, 2, 1, 0, 4), {2, 8, 9, 10}},
        Case{"pointwise 1x1", 16, 32, config(1, 1, 1, 1, 0, 0, 1), {2, 16, 7, 7}}}) {
    INFO(c.what);
    const Result cpu = run(Device::cpu(), c.C, c.K, c.config, c.x);
    const Result cuda = run(kCuda, c.C, c.K, c.config, c.x);
    CNN_REQUIRE_CLOSE(cuda.y, cpu.y, 1e-5, 1e-4);
    CNN_REQUIRE_CLOSE(cuda.dx, cpu.dx, 1e-5, 1e-4);
    CNN_REQUIRE_CLOSE(cuda.dw, cpu.dw, 1e-4, 1e-4);
    CNN_REQUIRE_CLOSE(cuda.db, cpu.db, 1e-4, 1e-4);
  }
}
