// A few training steps of the mask detector on the CUDA device (a real GPU, or the SIMT harness
// in CI) match the same steps on the CPU: same initial weights, same augmented batches (through
// DetectionLoader's pinned-memory upload), same targets, YOLO loss and Adam. Kernels differ in
// summation order, so losses and weights are compared with a tolerance, not bit for bit.
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/cnn.h"
#include "cnn/data/detection_loader.h"
#include "cnn/data/synthetic_scenes.h"
#include "cnn/detect/loss.h"
#include "network.h"

namespace {

struct RunResult {
  std::vector<float> losses;
  std::vector<std::vector<float>> weights;
};

RunResult train_steps(cnn::Device device, const cnn::data::DetectionDataset& ds, int steps) {
  mask_detector::DetectorSpec spec;
  spec.image_size = 64;
  spec.neck_channels = 8;
  spec.classes = ds.classes;
  spec.anchors = {
      {{6, 7}, {9, 10}, {12, 14}}, {{16, 18}, {22, 26}, {30, 34}}, {{40, 44}, {50, 52}, {60, 62}}};
  cnn::Generator gen(7);
  mask_detector::MaskDetectorNet model(spec, &gen);
  model.to(device);
  cnn::optim::AdamOptions ao;
  ao.lr = 1e-2f;
  cnn::optim::Adam adam(model.parameters(), ao);
  std::vector<size_t> all(ds.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  cnn::data::DetectionLoaderOptions lo;
  lo.batch_size = 2;
  lo.seed = 3;
  lo.image_size = 64;
  lo.augment = true;
  lo.device = device;
  cnn::data::DetectionLoader loader(ds, all, lo);
  cnn::detect::TargetOptions to;
  to.negative_weight = 0.3f;
  to.extra_anchor_iou = 0.5f;
  RunResult r;
  loader.start_epoch(0);
  cnn::data::DetectionBatch b;
  while (static_cast<int>(r.losses.size()) < steps && loader.next(&b)) {
    REQUIRE(b.images.device() == device);
    std::vector<std::vector<cnn::detect::GroundTruth>> truth(b.boxes.size());
    for (size_t n = 0; n < b.boxes.size(); ++n)
      for (const auto& box : b.boxes[n]) truth[n].push_back({box.box, box.label, box.difficult});
    const std::vector<cnn::Tensor> out = model.forward_levels(b.images);
    const auto targets = cnn::detect::yolo_build_targets(out, truth, spec.yolo_config(), to);
    const cnn::Tensor loss = cnn::detect::yolo_loss(out, targets).total;
    r.losses.push_back(loss.item());
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  for (const cnn::Tensor& p : model.parameters()) r.weights.push_back(p.to_vector());
  return r;
}

}  // namespace

TEST_CASE("detector training steps on the CUDA device match the CPU", "[example][cuda]") {
  cnn::data::SyntheticSceneOptions so;
  so.width = 96, so.height = 64;
  so.min_face_size = 12, so.max_face_size = 40;
  so.max_faces = 3;
  const cnn::data::DetectionDataset ds = cnn::data::make_synthetic_scenes(6, 4, so);
  const RunResult cpu = train_steps(cnn::Device::cpu(), ds, 3);
  const RunResult gpu = train_steps(cnn::Device::cuda(), ds, 3);
  REQUIRE(cpu.losses.size() == 3);
  REQUIRE(gpu.losses.size() == 3);
  for (size_t i = 0; i < cpu.losses.size(); ++i) {
    INFO("step " << i << ": cpu " << cpu.losses[i] << ", cuda " << gpu.losses[i]);
    CHECK(std::isfinite(gpu.losses[i]));
    CHECK(gpu.losses[i] == Approx(cpu.losses[i]).epsilon(1e-4).margin(1e-4));
  }
  CHECK(cpu.losses[2] != cpu.losses[0]);  // the steps changed the weights
  REQUIRE(cpu.weights.size() == gpu.weights.size());
  double max_diff = 0, max_abs = 0;
  for (size_t t = 0; t < cpu.weights.size(); ++t) {
    for (size_t k = 0; k < cpu.weights[t].size(); ++k) {
      max_diff = std::max(max_diff, double(std::abs(cpu.weights[t][k] - gpu.weights[t][k])));
      max_abs = std::max(max_abs, double(std::abs(cpu.weights[t][k])));
    }
  }
  INFO("max weight difference " << max_diff << ", max weight " << max_abs);
  CHECK(max_diff < 1e-4 * std::max(1.0, max_abs));
}
