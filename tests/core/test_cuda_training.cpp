// End to end on the CUDA device (the SIMT harness in CI): the blob-quadrant problem trains to
// near-zero loss exactly as on the CPU (tests/core/test_training.cpp).
#include <catch2/catch.hpp>

#include "test_util.h"
#include "training_problem.h"

TEST_CASE("a small network learns the blob-quadrant problem on CUDA", "[cuda][training]") {
  const auto [first, last] = cnn::testing::train_blob_problem(cnn::Device::cuda(), 300);
  INFO("loss " << first << " -> " << last);
  REQUIRE(first > 1.0f);
  REQUIRE(last < 0.02f);
}

TEST_CASE("a training checkpoint written from CUDA loads on the CPU", "[cuda]") {
  cnn::testing::TempDir dir("cuda-ckpt");
  auto net = cnn::testing::blob_net(1);
  net->to(cnn::Device::cuda());
  cnn::serialize::save_state_dict(*net, dir.file("w.safetensors"));
  auto cpu = cnn::testing::blob_net(2);
  cnn::serialize::load_state_dict(*cpu, dir.file("w.safetensors"));
  for (size_t i = 0; i < cpu->state_dict().size(); ++i) {
    REQUIRE(cpu->state_dict()[i].second.to_vector() == net->state_dict()[i].second.to_vector());
  }
  // And back: loading into a CUDA model keeps it on CUDA.
  cnn::serialize::load_state_dict(*net, dir.file("w.safetensors"));
  REQUIRE(net->parameters()[0].device() == cnn::Device::cuda());
}
