// Checks the harness itself can fail: a backend whose kernels write nothing must fail every op
// case, which holds only if outputs are poisoned and every output is compared. A case that passed
// here would be a case that cannot catch a kernel that forgets its output.
#include <catch2/catch.hpp>

#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "tests/kernels/op_case.h"

namespace cnn::test {
namespace {

// Host memory, kernels that return without touching anything.
class WritesNothingBackend final : public Backend {
 public:
  const char* name() const override { return "writes-nothing"; }
  void* allocate(size_t bytes) override { return ::operator new(bytes); }
  void release(void* p) noexcept override { ::operator delete(p); }
  void upload(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void download(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void poison(void* p, size_t bytes) override { std::memset(p, 0xFF, bytes); }

  void conv2d_forward(const Conv2dShape&, const float*, const float*, const float*,
                      float*) override {}
  void conv2d_backward_data(const Conv2dShape&, const float*, const float*, float*) override {}
  void conv2d_backward_weight(const Conv2dShape&, const float*, const float*, float*) override {}
  void conv2d_backward_bias(const Conv2dShape&, const float*, float*) override {}
  void linear_forward(const LinearShape&, const float*, const float*, const float*,
                      float*) override {}
  void linear_backward_data(const LinearShape&, const float*, const float*, float*) override {}
  void linear_backward_weight(const LinearShape&, const float*, const float*, float*) override {}
  void linear_backward_bias(const LinearShape&, const float*, float*) override {}
  void relu_forward(int64_t, const float*, float*) override {}
  void relu_backward(int64_t, const float*, const float*, float*) override {}
  void max_pool2d_forward(const MaxPool2dShape&, const float*, float*, int32_t*) override {}
  void max_pool2d_backward(const MaxPool2dShape&, const float*, const int32_t*, float*) override {}
  void softmax_forward(const SoftmaxShape&, const float*, float*) override {}
  void softmax_backward(const SoftmaxShape&, const float*, const float*, float*) override {}
  void log_softmax_forward(const SoftmaxShape&, const float*, float*) override {}
  void log_softmax_backward(const SoftmaxShape&, const float*, const float*, float*) override {}
  void cross_entropy_forward(const SoftmaxShape&, const float*, const int32_t*, float*,
                             float*) override {}
  void cross_entropy_backward(const SoftmaxShape&, const float*, const int32_t*, const float*,
                              float*) override {}
  void sgd_update(int64_t, const SgdParams&, float*, const float*, float*) override {}
  void adam_update(int64_t, const AdamParams&, float*, const float*, float*, float*) override {}
  void fill(int64_t, float, float*) override {}
  void axpy(int64_t, float, const float*, float*) override {}
  void scale(int64_t, float, float*) override {}
  void add(int64_t, const float*, const float*, float*) override {}
  void mul(int64_t, const float*, const float*, float*) override {}
  void sum_axis(int64_t, int64_t, int64_t, const float*, float*) override {}
  void sum_squares(int64_t, const float*, float*) override {}
  void dropout_forward(int64_t, float, uint64_t, const float*, float*, float*) override {}
  void avg_pool2d_forward(const AvgPool2dShape&, const float*, float*) override {}
  void avg_pool2d_backward(const AvgPool2dShape&, const float*, float*) override {}
  void batch_norm2d_forward_training(const BatchNorm2dShape&, const float*, const float*,
                                     const float*, float, float, float*, float*, float*, float*,
                                     float*) override {}
  void batch_norm2d_forward_inference(const BatchNorm2dShape&, const float*, const float*,
                                      const float*, const float*, const float*, float,
                                      float*) override {}
  void batch_norm2d_backward_training(const BatchNorm2dShape&, const float*, const float*,
                                      const float*, const float*, const float*, float*, float*,
                                      float*) override {}
  void batch_norm2d_backward_inference(const BatchNorm2dShape&, const float*, const float*,
                                       const float*, const float*, const float*, float, float*,
                                       float*, float*) override {}
  void leaky_relu_forward(int64_t, float, const float*, float*) override {}
  void leaky_relu_backward(int64_t, float, const float*, const float*, float*) override {}
  void clamp_forward(int64_t, float, float, const float*, float*) override {}
  void clamp_backward(int64_t, float, float, const float*, const float*, float*) override {}
  void sigmoid_forward(int64_t, const float*, float*) override {}
  void sigmoid_backward(int64_t, const float*, const float*, float*) override {}
  void bce_with_logits_forward(int64_t, const float*, const float*, const float*,
                               float*) override {}
  void bce_with_logits_backward(int64_t, const float*, const float*, const float*, const float*,
                                bool, float, float*) override {}
  void upsample_nearest2d_forward(const UpsampleShape&, const float*, float*) override {}
  void upsample_nearest2d_backward(const UpsampleShape&, const float*, float*) override {}
  void copy_2d(int64_t, int64_t, const float*, int64_t, float*, int64_t) override {}
};

}  // namespace

TEST_CASE("harness: a backend that writes nothing fails every op case", "[harness]") {
  WritesNothingBackend backend;
  std::vector<std::string> passed_anyway;
  int cases = 0;
  for (const auto& family :
       {conv2d_cases(), linear_cases(), relu_cases(), max_pool2d_cases(), avg_pool2d_cases(),
        batch_norm2d_cases(), softmax_cases(),
        cross_entropy_cases(), optim_cases(), elementwise_cases(), leaky_relu_cases(),
        clamp_cases(), sigmoid_cases(), bce_with_logits_cases(), upsample_cases(),
        copy_2d_cases()})
    for (const OpCase& c : family) {
      if (c.large) continue;
      ++cases;
      bool all_passed = true;
      for (const Comparison& r : c.run(backend)) all_passed = all_passed && r.passed;
      if (all_passed) passed_anyway.push_back(c.op + " [" + c.problem + "]");
    }
  INFO(cases << " cases run");
  CHECK(cases > 1000);
  CHECK(passed_anyway == std::vector<std::string>{});
}

}  // namespace cnn::test
