// The detection toolkit's device code paths: targets built for CUDA outputs land on the CUDA
// device, and the YOLO loss and its gradient computed there match the CPU. Under CNN_CUDA=simt
// the CUDA side runs kernels/cuda on the SIMT harness.
//
// Tolerance: the same elementwise formulas in float32 on both sides, summed in different orders
// by the reductions: 1e-5 relative on the loss parts, 1e-5 absolute + 1e-4 relative on gradients.
#include <catch2/catch.hpp>

#include "cnn/cnn.h"
#include "test_util.h"

using namespace cnn;
using namespace cnn::detect;

TEST_CASE("yolo targets, loss and gradient on CUDA match the CPU", "[detect_cuda]") {
  YoloConfig c;
  c.num_classes = 2;
  c.levels = {YoloLevel{8, {{8, 8}, {16, 24}}}, YoloLevel{16, {{24, 24}}}};
  const std::vector<std::vector<GroundTruth>> gts{
      {GroundTruth{Box{4, 6, 14, 16}, 0}, GroundTruth{Box{14, 6, 30, 30}, 1}},
      {GroundTruth{Box{2, 2, 28, 20}, 1}}};
  Generator gen(5);
  const Tensor cpu0 = Tensor::rand({2, c.channels(0), 4, 4}, Device::cpu(), &gen, -2.f, 2.f);
  const Tensor cpu1 = Tensor::rand({2, c.channels(1), 2, 2}, Device::cpu(), &gen, -2.f, 2.f);
  std::vector<Tensor> cpu{cpu0.clone(), cpu1.clone()};
  std::vector<Tensor> cuda{cpu0.to(Device::cuda()), cpu1.to(Device::cuda())};
  for (auto& t : cpu) t.set_requires_grad();
  for (auto& t : cuda) t.set_requires_grad();

  const auto targets_cpu = yolo_build_targets(cpu, gts, c);
  const auto targets_cuda = yolo_build_targets(cuda, gts, c);
  for (size_t l = 0; l < 2; ++l) {
    REQUIRE(targets_cuda[l].target.device() == Device::cuda());
    REQUIRE(targets_cuda[l].objectness_weight.device() == Device::cuda());
    REQUIRE(targets_cuda[l].num_positives == targets_cpu[l].num_positives);
    REQUIRE(targets_cuda[l].num_ignored == targets_cpu[l].num_ignored);
    REQUIRE(targets_cuda[l].target.to_vector() == targets_cpu[l].target.to_vector());
  }

  const YoloLossParts a = yolo_loss(cpu, targets_cpu);
  const YoloLossParts b = yolo_loss(cuda, targets_cuda);
  REQUIRE(b.total.device() == Device::cuda());
  REQUIRE(b.box.item() == Approx(a.box.item()).epsilon(1e-5));
  REQUIRE(b.objectness.item() == Approx(a.objectness.item()).epsilon(1e-5));
  REQUIRE(b.classification.item() == Approx(a.classification.item()).epsilon(1e-5));
  REQUIRE(b.total.item() == Approx(a.total.item()).epsilon(1e-5));

  a.total.backward();
  b.total.backward();
  for (size_t l = 0; l < 2; ++l) {
    INFO("level " << l);
    REQUIRE(cuda[l].grad().device() == Device::cuda());
    CNN_REQUIRE_CLOSE(cuda[l].grad().to_vector(), cpu[l].grad().to_vector(), 1e-5, 1e-4);
  }

  // Decoding reads CUDA outputs through the host: same detections as from the CPU copy.
  const auto da = yolo_decode(cpu, c, DecodeOptions{0.3f, true});
  const auto db = yolo_decode(cuda, c, DecodeOptions{0.3f, true});
  REQUIRE(da.size() == db.size());
  for (size_t n = 0; n < da.size(); ++n) {
    REQUIRE(da[n].size() == db[n].size());
    for (size_t i = 0; i < da[n].size(); ++i) {
      REQUIRE(da[n][i].score == db[n][i].score);
      REQUIRE(da[n][i].box.x1 == db[n][i].box.x1);
    }
  }
}
