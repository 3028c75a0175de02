// End to end on the CPU: a small network trained on a generated problem reaches near-zero loss.
#include <catch2/catch.hpp>

#include "test_util.h"
#include "training_problem.h"

TEST_CASE("a small network learns the blob-quadrant problem on the CPU", "[training]") {
  const auto [first, last] = cnn::testing::train_blob_problem(cnn::Device::cpu(), 300);
  INFO("loss " << first << " -> " << last);
  REQUIRE(first > 1.0f);  // ~ln(4) at the start
  REQUIRE(last < 0.02f);
}
