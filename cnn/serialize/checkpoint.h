// Training checkpoints for resume: model weights, optimizer state, epoch and the RNG state in one
// safetensors file. Model tensors are stored as "model.<name>", optimizer tensors as
// "optimizer.<name>", scalars in __metadata__ ("epoch", "rng", "optimizer.step", ...). Written
// atomically like every libcnn save.
#pragma once

#include <cstdint>
#include <string>

#include "cnn/nn/module.h"
#include "cnn/optim/optimizer.h"

namespace cnn {
class Generator;
}

namespace cnn::serialize {

struct TrainingState {
  int64_t epoch = 0;  // the number of completed epochs
};

// gen: the generator to capture (the default generator when null).
void save_checkpoint(const std::string& path, const nn::Module& model,
                     const optim::Optimizer& optimizer, const TrainingState& state,
                     const Generator* gen = nullptr);
// Restores model, optimizer and generator in place and returns the training state. Validates every
// tensor like load_state_dict.
TrainingState load_checkpoint(const std::string& path, nn::Module& model,
                              optim::Optimizer& optimizer, Generator* gen = nullptr);

}  // namespace cnn::serialize
