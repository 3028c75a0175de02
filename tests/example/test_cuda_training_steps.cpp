// A few training steps of the mask classifier on the CUDA device (a real GPU, or the SIMT harness
// in CI) match the same steps on the CPU: same initial weights, same batches (through the
// DataLoader's pinned-memory upload path), same SGD-momentum recipe. Kernels differ in summation
// order, so losses and weights are compared with a tolerance, not bit for bit. Both networks:
// the seed family and tiny-face (depthwise convolutions, leaky ReLU, 'same' pools, global
// average pooling).
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/cnn.h"
#include "cnn/data/data_loader.h"
#include "cnn/data/synthetic.h"
#include "network.h"

namespace {

struct RunResult {
  std::vector<float> losses;
  std::vector<std::vector<float>> weights;
};

mask_classifier::NetworkSpec seed_family(int image_size) {
  mask_classifier::NetworkSpec spec;
  spec.image_size = image_size;
  spec.conv1 = 4, spec.conv2 = 8, spec.conv3 = 8, spec.hidden = 16;
  return spec;
}

RunResult train_steps(cnn::Device device, const cnn::data::ImageDataset& ds, int steps,
                      const mask_classifier::NetworkSpec& spec, float lr) {
  cnn::Generator gen(11);
  auto model = mask_classifier::build_network(spec, &gen);
  model->to(device);
  cnn::optim::SgdOptions so;
  so.lr = lr;
  so.momentum = 0.9f;
  cnn::optim::SGD sgd(model->parameters(), so);

  std::vector<size_t> all(ds.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  cnn::data::DataLoaderOptions lo;
  lo.batch_size = 4;
  lo.seed = 5;
  lo.device = device;
  cnn::data::DataLoader loader(ds, all, lo);
  RunResult r;
  for (int epoch = 0; static_cast<int>(r.losses.size()) < steps; ++epoch) {
    loader.start_epoch(static_cast<uint64_t>(epoch));
    cnn::data::Batch b;
    while (static_cast<int>(r.losses.size()) < steps && loader.next(&b)) {
      REQUIRE(b.images.device() == device);
      const cnn::Tensor loss = cnn::cross_entropy((*model)(b.images), b.labels);
      r.losses.push_back(loss.item());
      sgd.zero_grad();
      loss.backward();
      sgd.step();
    }
  }
  for (const cnn::Tensor& p : model->parameters()) r.weights.push_back(p.to_vector());
  return r;
}

void check_same_training(const cnn::data::ImageDataset& ds,
                         const mask_classifier::NetworkSpec& spec, float lr) {
  const RunResult cpu = train_steps(cnn::Device::cpu(), ds, 4, spec, lr);
  const RunResult gpu = train_steps(cnn::Device::cuda(), ds, 4, spec, lr);
  REQUIRE(cpu.losses.size() == 4);
  REQUIRE(gpu.losses.size() == 4);
  for (size_t i = 0; i < cpu.losses.size(); ++i) {
    INFO("step " << i << ": cpu " << cpu.losses[i] << ", cuda " << gpu.losses[i]);
    CHECK(std::isfinite(gpu.losses[i]));
    CHECK(gpu.losses[i] == Approx(cpu.losses[i]).epsilon(1e-4).margin(1e-5));
  }
  // The weights moved (the test would be vacuous otherwise) and agree across devices.
  REQUIRE(cpu.weights.size() == gpu.weights.size());
  double max_diff = 0, max_abs = 0;
  for (size_t t = 0; t < cpu.weights.size(); ++t) {
    for (size_t k = 0; k < cpu.weights[t].size(); ++k) {
      max_diff =
          std::max(max_diff, static_cast<double>(std::abs(cpu.weights[t][k] - gpu.weights[t][k])));
      max_abs = std::max(max_abs, static_cast<double>(std::abs(cpu.weights[t][k])));
    }
  }
  CHECK(max_diff < 1e-4 * std::max(1.0, max_abs));
  CHECK(cpu.losses.front() != cpu.losses.back());
}

}  // namespace

TEST_CASE("training steps on the CUDA device match the CPU", "[example][cuda]") {
  check_same_training(cnn::data::make_synthetic_dataset(8, 0, 16), seed_family(16), 0.05f);
}

TEST_CASE("tiny-face training steps on the CUDA device match the CPU", "[example][cuda]") {
  mask_classifier::NetworkSpec spec;
  spec.architecture = mask_classifier::kTinyFaceArchitecture;
  spec.image_size = 40;  // conv5's map is 2x2: the global average pool averages something
  check_same_training(cnn::data::make_synthetic_dataset(8, 0, 40), spec, 0.01f);
}
