// Learning-rate schedules. Each computes lr(t) in closed form from the optimizer's lr at
// construction (base_lr) and a step counter, and writes it into the optimizer on step(); call
// step() once per epoch or per iteration, whichever unit you gave the schedule.
#pragma once

#include <cstdint>

#include "cnn/optim/optimizer.h"

namespace cnn::optim {

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  // Advances the counter and sets the optimizer's lr to lr_at(counter).
  void step();
  int64_t last_step() const { return t_; }
  void set_last_step(int64_t t);  // for resuming: sets the counter and the lr
  virtual float lr_at(int64_t t) const = 0;
  float base_lr() const { return base_lr_; }

 protected:
  Optimizer& optimizer_;
  float base_lr_;
  int64_t t_ = 0;
};

// lr = base * gamma^(t / step_size)   (torch StepLR)
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, float gamma = 0.1f);
  float lr_at(int64_t t) const override;

 private:
  int64_t step_size_;
  float gamma_;
};

// lr = eta_min + (base - eta_min) * (1 + cos(pi * t / t_max)) / 2, constant eta_min after t_max.
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, float eta_min = 0.f);
  float lr_at(int64_t t) const override;

 private:
  int64_t t_max_;
  float eta_min_;
};

// Linear warm-up from start_factor * base to base over warmup_steps, then either constant or,
// when cosine_steps > 0, cosine decay to eta_min over the next cosine_steps.
class LinearWarmupLR : public LRScheduler {
 public:
  LinearWarmupLR(Optimizer& optimizer, int64_t warmup_steps, float start_factor = 0.1f,
                 int64_t cosine_steps = 0, float eta_min = 0.f);
  float lr_at(int64_t t) const override;

 private:
  int64_t warmup_steps_;
  float start_factor_;
  int64_t cosine_steps_;
  float eta_min_;
};

}  // namespace cnn::optim
