// The YOLO loss: its parts against the formulas computed on the host in double, its gradient
// against finite differences, and a tiny conv net that overfits one synthetic image until the
// loss is near zero and the decoded detections are the ground truth.
#include <catch2/catch.hpp>

#include <cmath>

#include "cnn/cnn.h"
#include "cnn/detect/loss.h"
#include "gradcheck.h"

using namespace cnn;
using namespace cnn::detect;

namespace {

YoloConfig small_config() {
  YoloConfig c;
  c.num_classes = 2;
  c.levels = {YoloLevel{8, {{8, 8}, {16, 24}}}};
  return c;
}

const std::vector<std::vector<GroundTruth>>& two_objects() {
  static const std::vector<std::vector<GroundTruth>> gts{
      {GroundTruth{Box{4, 6, 14, 16}, 0}, GroundTruth{Box{14, 6, 30, 30}, 1}}};
  return gts;
}

double softplus(double x) {  // log(1 + exp(x)), stable
  return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
}

}  // namespace

TEST_CASE("yolo_loss parts equal the documented formulas", "[loss]") {
  const YoloConfig c = small_config();
  Generator gen(17);
  const Tensor p = Tensor::rand({2, c.channels(0), 4, 4}, Device::cpu(), &gen, -3.f, 3.f);
  std::vector<std::vector<GroundTruth>> gts = two_objects();
  gts.push_back({GroundTruth{Box{20, 2, 26, 12}, 1}});
  TargetOptions topts;
  topts.negative_weight = 0.7f;  // the ignore rule is on (random outputs): weights from targets
  const auto targets = yolo_build_targets({p}, gts, c, topts);
  YoloLossOptions lopts{2.f, 1.5f, 0.5f};
  const YoloLossParts loss = yolo_loss({p}, targets, lopts);

  const auto x = p.to_vector();
  const auto t = targets[0].target.to_vector();
  const auto wo = targets[0].objectness_weight.to_vector();
  const auto wc = targets[0].class_weight.to_vector();
  const auto wxy = targets[0].xy_weight.to_vector();
  const auto wwh = targets[0].wh_weight.to_vector();
  double obj = 0, cls = 0, box = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    // BCE with logits: -t log s(x) - (1-t) log(1 - s(x)) = softplus(x) - t x.
    const double bce = softplus(x[i]) - double(t[i]) * x[i];
    obj += wo[i] * bce;
    cls += wc[i] * bce;
    const double s = 1.0 / (1.0 + std::exp(-double(x[i])));
    box += wxy[i] * (s - t[i]) * (s - t[i]) + wwh[i] * (x[i] - t[i]) * (x[i] - t[i]);
  }
  obj /= 2;  // batch of 2
  cls /= 2;
  box /= 2;
  REQUIRE(cls > 0);
  REQUIRE(box > 0);
  REQUIRE(loss.objectness.item() == Approx(obj).epsilon(1e-5));
  REQUIRE(loss.classification.item() == Approx(cls).epsilon(1e-5));
  REQUIRE(loss.box.item() == Approx(box).epsilon(1e-5));
  REQUIRE(loss.total.item() == Approx(2 * box + 1.5 * obj + 0.5 * cls).epsilon(1e-5));
}

TEST_CASE("yolo_loss gradient matches finite differences", "[loss]") {
  const YoloConfig c = small_config();
  Generator gen(23);
  Tensor p = Tensor::rand({1, c.channels(0), 4, 4}, Device::cpu(), &gen, -2.f, 2.f);
  p.set_requires_grad();
  TargetOptions topts;
  topts.ignore_iou = 1.f;  // targets fixed, independent of the perturbed values
  const auto targets = yolo_build_targets({p.detach()}, two_objects(), c, topts);
  REQUIRE(targets[0].num_positives == 2);
  const int64_t compared = testing::check_gradients(
      [&](const std::vector<Tensor>& in) {
        return yolo_loss({in[0]}, targets, YoloLossOptions{1.5f, 1.f, 2.f}).total;
      },
      {p});
  REQUIRE(compared == p.numel());
}

TEST_CASE("a tiny detector overfits one image: loss near zero, detections = ground truth",
          "[loss]") {
  const YoloConfig c = small_config();
  Generator gen(2026);
  // One 32x32 image: noise with the two objects painted as flat rectangles.
  std::vector<float> pixels(3 * 32 * 32);
  for (auto& v : pixels) v = 0.3f * gen.uniform();
  for (const auto& g : two_objects()[0]) {
    for (int ch = 0; ch < 3; ++ch) {
      for (int y = int(g.box.y1); y < int(g.box.y2); ++y) {
        for (int x = int(g.box.x1); x < int(g.box.x2); ++x) {
          pixels[(ch * 32 + y) * 32 + x] = g.label == 0 ? 0.9f : (ch == 0 ? 0.1f : 0.7f);
        }
      }
    }
  }
  const Tensor image = Tensor::from_vector(pixels, {1, 3, 32, 32});
  nn::Sequential net{std::make_shared<nn::Conv2d>(3, 16, 3, 2, 1, true, &gen),
                     std::make_shared<nn::ReLU>(),
                     std::make_shared<nn::Conv2d>(16, 32, 3, 2, 1, true, &gen),
                     std::make_shared<nn::ReLU>(),
                     std::make_shared<nn::Conv2d>(32, 32, 3, 2, 1, true, &gen),
                     std::make_shared<nn::ReLU>(),
                     std::make_shared<nn::Conv2d>(32, int(c.channels(0)), 1, 1, 0, true, &gen)};
  optim::Adam opt(net.parameters(), optim::AdamOptions{1e-2f});
  TargetOptions topts;
  topts.ignore_iou = 1.f;  // the image has nothing but its two objects to ignore
  float first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    const Tensor out = net(image);
    const auto targets = yolo_build_targets({out.detach()}, two_objects(), c, topts);
    const YoloLossParts loss = yolo_loss({out}, targets);
    if (step == 0) first = loss.total.item();
    last = loss.total.item();
    opt.zero_grad();
    loss.total.backward();
    opt.step();
  }
  INFO("loss " << first << " -> " << last);
  REQUIRE(first > 10.f);
  REQUIRE(last < 5e-3f);  // measured 3.2e-4 from 26.5

  NoGradGuard no_grad;
  auto dets = yolo_decode({net(image)}, c, DecodeOptions{0.5f, false});
  dets[0] = nms(dets[0], NmsOptions{});
  REQUIRE(dets[0].size() == 2);
  for (const auto& g : two_objects()[0]) {
    bool found = false;
    for (const auto& d : dets[0]) found |= d.label == g.label && iou(d.box, g.box) > 0.95f;
    INFO("ground truth " << box_str(g.box) << " label " << g.label);
    REQUIRE(found);
  }
}

TEST_CASE("yolo_loss rejects mismatched outputs and targets", "[loss]") {
  const YoloConfig c = small_config();
  const Tensor p = Tensor::zeros({1, c.channels(0), 4, 4});
  TargetOptions topts;
  topts.ignore_iou = 1.f;
  const auto targets = yolo_build_targets({p}, two_objects(), c, topts);
  REQUIRE_THROWS_AS(yolo_loss({p, p}, targets), Error);
  REQUIRE_THROWS_WITH(yolo_loss({Tensor::zeros({1, c.channels(0), 2, 2})}, targets),
                      Catch::Contains("level 0"));
}
