// Optimizers against step-by-step re-implementations of torch.optim's update rules (written out
// in double here), schedules against closed-form values, and clipping against a hand norm.
#include <catch2/catch.hpp>

#include <cmath>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;

namespace {

constexpr int kSteps = 4;
constexpr int kSize = 10;

std::vector<float> grad_at(int step) {
  return testing::random_tensor({kSize}, 100 + static_cast<uint64_t>(step)).to_vector();
}

// torch.optim.SGD.step for one parameter, in double.
std::vector<double> sgd_reference(std::vector<double> p, const optim::SgdOptions& o) {
  std::vector<double> buf(p.size());
  for (int t = 0; t < kSteps; ++t) {
    const std::vector<float> g = grad_at(t);
    for (size_t i = 0; i < p.size(); ++i) {
      double d = g[i] + o.weight_decay * p[i];
      if (o.momentum != 0) {
        buf[i] = t == 0 ? d : o.momentum * buf[i] + (1 - o.dampening) * d;
        d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
      }
      p[i] -= o.lr * d;
    }
  }
  return p;
}

// torch.optim.Adam / AdamW.step for one parameter, in double.
std::vector<double> adam_reference(std::vector<double> p, const optim::AdamOptions& o) {
  std::vector<double> m(p.size()), v(p.size());
  for (int t = 1; t <= kSteps; ++t) {
    const std::vector<float> g = grad_at(t - 1);
    for (size_t i = 0; i < p.size(); ++i) {
      double d = g[i];
      if (o.decoupled_weight_decay) {
        p[i] *= 1 - o.lr * o.weight_decay;
      } else {
        d += o.weight_decay * p[i];
      }
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * d;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * d * d;
      const double mhat = m[i] / (1 - std::pow(o.beta1, t));
      const double vhat = v[i] / (1 - std::pow(o.beta2, t));
      p[i] -= o.lr * mhat / (std::sqrt(vhat) + o.eps);
    }
  }
  return p;
}

std::vector<float> run(optim::Optimizer& opt, Tensor& p) {
  for (int t = 0; t < kSteps; ++t) {
    p.set_grad(Tensor::from_vector(grad_at(t), {kSize}));
    opt.step();
  }
  return p.to_vector();
}

std::vector<float> to_float(const std::vector<double>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("SGD matches torch.optim.SGD semantics", "[optim]") {
  struct Case {
    const char* name;
    optim::SgdOptions o;
  };
  const std::vector<Case> cases{
      {"plain", {0.1f, 0.f, 0.f, 0.f, false}},
      {"momentum", {0.1f, 0.9f, 0.f, 0.f, false}},
      {"momentum+dampening+wd", {0.05f, 0.9f, 0.3f, 0.01f, false}},
      {"nesterov+wd", {0.1f, 0.9f, 0.f, 0.05f, true}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Tensor p = testing::random_tensor({kSize}, 1);
    const std::vector<float> start = p.to_vector();
    p.set_requires_grad(true);
    optim::SGD opt({p}, c.o);
    const std::vector<float> got = run(opt, p);
    CNN_REQUIRE_CLOSE(got, to_float(sgd_reference({start.begin(), start.end()}, c.o)), 1e-6, 1e-5);
  }
  Tensor q = Tensor::zeros({1});
  REQUIRE_THROWS_WITH(optim::SGD({q}, optim::SgdOptions{0.1f, 0.f, 0.f, 0.f, true}),
                      Contains("nesterov"));
}

TEST_CASE("Adam and AdamW match torch.optim semantics", "[optim]") {
  for (const bool decoupled : {false, true}) {
    INFO("decoupled " << decoupled);
    optim::AdamOptions o;
    o.lr = 0.01f;
    o.weight_decay = 0.1f;
    o.decoupled_weight_decay = decoupled;
    Tensor p = testing::random_tensor({kSize}, 2);
    const std::vector<float> start = p.to_vector();
    p.set_requires_grad(true);
    optim::Adam opt({p}, o);
    const std::vector<float> got = run(opt, p);
    CNN_REQUIRE_CLOSE(got, to_float(adam_reference({start.begin(), start.end()}, o)), 1e-6, 1e-5);
    REQUIRE(opt.step_count() == kSteps);
  }
}

TEST_CASE("parameters without a gradient are left alone", "[optim]") {
  Tensor a = Tensor::ones({3}), b = Tensor::ones({3});
  a.set_requires_grad(true);
  b.set_requires_grad(true);
  a.set_grad(Tensor::ones({3}));
  optim::Adam opt({a, b}, optim::AdamOptions{});
  opt.step();
  REQUIRE(b.to_vector() == std::vector<float>(3, 1.f));
  REQUIRE(a.to_vector()[0] < 1.f);
  opt.zero_grad();
  REQUIRE_FALSE(a.grad().defined());
}

TEST_CASE("learning-rate schedules follow their formulas", "[optim]") {
  Tensor p = Tensor::zeros({1});
  p.set_requires_grad(true);
  optim::SGD opt({p}, optim::SgdOptions{1.0f});
  optim::StepLR step(opt, 2, 0.5f);
  std::vector<float> lrs;
  for (int i = 0; i < 5; ++i) {
    step.step();
    lrs.push_back(opt.lr());
  }
  REQUIRE(lrs == std::vector<float>{1.f, 0.5f, 0.5f, 0.25f, 0.25f});

  opt.set_lr(1.f);
  optim::CosineAnnealingLR cosine(opt, 4, 0.1f);
  REQUIRE(cosine.lr_at(0) == Approx(1.f));
  REQUIRE(cosine.lr_at(2) == Approx(0.55f));
  REQUIRE(cosine.lr_at(4) == Approx(0.1f));
  REQUIRE(cosine.lr_at(9) == Approx(0.1f));

  opt.set_lr(1.f);
  optim::LinearWarmupLR warm(opt, 4, 0.2f, 10, 0.f);
  REQUIRE(opt.lr() == Approx(0.2f));  // the first step already uses the warm-up lr
  REQUIRE(warm.lr_at(2) == Approx(0.6f));
  REQUIRE(warm.lr_at(4) == Approx(1.f));
  REQUIRE(warm.lr_at(9) == Approx(0.5f));
  REQUIRE(warm.lr_at(14) == Approx(0.f).margin(1e-7));
}

TEST_CASE("clip_grad_norm scales by max_norm / total_norm", "[optim]") {
  Tensor a = Tensor::zeros({2}), b = Tensor::zeros({1});
  a.set_requires_grad(true);
  b.set_requires_grad(true);
  a.set_grad(Tensor::from_vector({3, 4}, {2}));
  b.set_grad(Tensor::from_vector({12}, {1}));
  const float norm = optim::clip_grad_norm({a, b}, 6.5f);  // sqrt(9+16+144) = 13
  REQUIRE(norm == Approx(13.f));
  REQUIRE(a.grad().to_vector()[0] == Approx(1.5f).epsilon(1e-5));
  REQUIRE(b.grad().to_vector()[0] == Approx(6.f).epsilon(1e-5));
  REQUIRE(optim::clip_grad_norm({a, b}, 100.f) == Approx(6.5f).epsilon(1e-5));
  REQUIRE(a.grad().to_vector()[1] == Approx(2.f).epsilon(1e-5));  // below max: untouched
}
