// The table-driven kernel tests: every case of every op family, run on backend_under_test() (the
// binary decides which backend) and compared with the double reference. One Catch2 TEST_CASE per
// op family, tagged by op; the seed network's big layer shapes are split into their own
// "[large]" test cases so a quick run can leave them out ("~[large]").
//
// After each test case a summary line per kernel goes to stdout: how many problems ran and the
// worst error as a fraction of its tolerance, so a passing run still shows how close it came.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>

#include "tests/kernels/op_case.h"

namespace cnn::test {
namespace {

struct OpSummary {
  int cases = 0, failed = 0;
  double worst_fraction = 0.0;  // max over comparisons of max_error / tolerance (0 when exact)
  double seconds = 0.0;
};

void run_cases(const std::vector<OpCase>& cases, bool large) {
  Backend& backend = backend_under_test();
  std::map<std::string, OpSummary> summary;
  for (const OpCase& c : cases) {
    if (c.large != large) continue;
    INFO(backend.name() << " " << c.op << " [" << c.problem << "]");
    OpSummary& s = summary[c.op];
    ++s.cases;
    const auto start = std::chrono::steady_clock::now();
    std::vector<Comparison> results;
    try {
      results = c.run(backend);
    } catch (const std::exception& e) {
      ++s.failed;
      FAIL_CHECK("threw: " << e.what());
      continue;
    }
    s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool ok = true;
    for (const Comparison& r : results) {
      INFO(r.describe());
      CHECK(r.passed);
      ok = ok && r.passed;
      if (r.tolerance > 0) s.worst_fraction = std::max(s.worst_fraction, r.max_error / r.tolerance);
    }
    if (!ok) ++s.failed;
  }
  for (const auto& [op, s] : summary)
    std::printf("[%s] %-34s %3d problems, %d failed, worst error %.3g x tolerance, %.2f s\n",
                backend.name(), op.c_str(), s.cases, s.failed, s.worst_fraction, s.seconds);
  std::fflush(stdout);
}

}  // namespace

TEST_CASE("conv2d: problem table", "[conv2d]") {
  run_cases(conv2d_cases(), false);
}
TEST_CASE("conv2d: seed-network layers", "[conv2d][large]") {
  run_cases(conv2d_cases(), true);
}
TEST_CASE("linear: problem table", "[linear]") {
  run_cases(linear_cases(), false);
}
TEST_CASE("linear: seed-network layers", "[linear][large]") {
  run_cases(linear_cases(), true);
}
TEST_CASE("relu: problem table", "[relu]") {
  run_cases(relu_cases(), false);
}
TEST_CASE("relu: seed-network activations", "[relu][large]") {
  run_cases(relu_cases(), true);
}
TEST_CASE("max_pool2d: problem table", "[max_pool2d]") {
  run_cases(max_pool2d_cases(), false);
}
TEST_CASE("max_pool2d: seed-network layers", "[max_pool2d][large]") {
  run_cases(max_pool2d_cases(), true);
}
TEST_CASE("avg_pool2d: problem table", "[avg_pool2d]") {
  run_cases(avg_pool2d_cases(), false);
}
TEST_CASE("batch_norm2d: problem table", "[batch_norm2d]") {
  run_cases(batch_norm2d_cases(), false);
}
TEST_CASE("softmax and log_softmax: problem table", "[softmax]") {
  run_cases(softmax_cases(), false);
}
TEST_CASE("cross_entropy: problem table", "[cross_entropy]") {
  run_cases(cross_entropy_cases(), false);
}
TEST_CASE("optimizer updates: problem table", "[optim]") {
  run_cases(optim_cases(), false);
}
TEST_CASE("elementwise and reductions: problem table", "[elementwise]") {
  run_cases(elementwise_cases(), false);
}
TEST_CASE("leaky_relu: problem table", "[leaky_relu]") {
  run_cases(leaky_relu_cases(), false);
}
TEST_CASE("leaky_relu: seed-network activations", "[leaky_relu][large]") {
  run_cases(leaky_relu_cases(), true);
}
TEST_CASE("clamp (relu6, hardtanh): problem table", "[clamp]") {
  run_cases(clamp_cases(), false);
}
TEST_CASE("clamp (relu6, hardtanh): seed-network activations", "[clamp][large]") {
  run_cases(clamp_cases(), true);
}
TEST_CASE("sigmoid: problem table", "[sigmoid]") {
  run_cases(sigmoid_cases(), false);
}
TEST_CASE("sigmoid: seed-network activations", "[sigmoid][large]") {
  run_cases(sigmoid_cases(), true);
}
TEST_CASE("bce_with_logits: problem table", "[bce_with_logits]") {
  run_cases(bce_with_logits_cases(), false);
}
TEST_CASE("upsample_nearest2d: problem table", "[upsample]") {
  run_cases(upsample_cases(), false);
}
TEST_CASE("copy_2d: problem table", "[copy_2d]") {
  run_cases(copy_2d_cases(), false);
}

}  // namespace cnn::test
