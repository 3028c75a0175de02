// Closed-form learning-rate schedules (see lr_scheduler.h).
#include "cnn/optim/lr_scheduler.h"

#include <cmath>

#include "cnn/error.h"

namespace cnn::optim {
namespace {
constexpr double kPi = 3.14159265358979323846;

float cosine(float base, float eta_min, int64_t t, int64_t t_max) {
  if (t >= t_max) return eta_min;
  return eta_min + (base - eta_min) * 0.5f *
                       static_cast<float>(1.0 + std::cos(kPi * double(t) / double(t_max)));
}
}  // namespace

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}

void LRScheduler::step() {
  set_last_step(t_ + 1);
}

void LRScheduler::set_last_step(int64_t t) {
  t_ = t;
  optimizer_.set_lr(lr_at(t_));
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, float gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) throw Error("StepLR: step_size must be positive");
}

float StepLR::lr_at(int64_t t) const {
  return base_lr_ * std::pow(gamma_, static_cast<float>(t / step_size_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, float eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
  if (t_max <= 0) throw Error("CosineAnnealingLR: t_max must be positive");
}

float CosineAnnealingLR::lr_at(int64_t t) const {
  return cosine(base_lr_, eta_min_, t, t_max_);
}

LinearWarmupLR::LinearWarmupLR(Optimizer& optimizer, int64_t warmup_steps, float start_factor,
                               int64_t cosine_steps, float eta_min)
    : LRScheduler(optimizer),
      warmup_steps_(warmup_steps),
      start_factor_(start_factor),
      cosine_steps_(cosine_steps),
      eta_min_(eta_min) {
  if (warmup_steps < 0 || cosine_steps < 0 || start_factor < 0.f) {
    throw Error("LinearWarmupLR: step counts and start_factor must be non-negative");
  }
  optimizer_.set_lr(lr_at(0));  // the first step already runs at the warm-up lr
}

float LinearWarmupLR::lr_at(int64_t t) const {
  if (t < warmup_steps_) {
    const float f = start_factor_ + (1.f - start_factor_) * float(t) / float(warmup_steps_);
    return base_lr_ * f;
  }
  if (cosine_steps_ == 0) return base_lr_;
  return cosine(base_lr_, eta_min_, t - warmup_steps_, cosine_steps_);
}

}  // namespace cnn::optim
