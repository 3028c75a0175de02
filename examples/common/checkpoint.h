// Checkpoints, resume and the per-epoch history of a training run (RUN_DIR/checkpoint.safetensors
// after every epoch, interrupted.safetensors after Ctrl-C, history.json beside them).
//
// Choices that matter:
//   - A --resume file is inspected before anything slow (decoding the data set), so a missing,
//     malformed or foreign file fails in seconds; the program then builds its network from the
//     flags and the checkpoint's shapes and loads the checkpoint, again before the data.
//   - history.json is rewritten atomically after each checkpoint, so a resumed run reports and
//     plots the epochs it did not run itself.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/nn/module.h"
#include "cnn/optim/optimizer.h"
#include "common/plots.h"

namespace cnn {
class Generator;
}

namespace example_common {

inline constexpr const char* kCheckpointFile = "checkpoint.safetensors";
inline constexpr const char* kInterruptedFile = "interrupted.safetensors";
inline constexpr const char* kHistoryFile = "history.json";

struct CheckpointSummary {
  int64_t epoch = 0;  // completed epochs
  // Model tensors without the checkpoint's "model." prefix, in file order.
  std::vector<std::pair<std::string, std::vector<int64_t>>> model_shapes;
  // The shape of model tensor `name`, or nullptr.
  const std::vector<int64_t>* shape_of(const std::string& name) const;
};

// Reads a training checkpoint without touching any model. Throws InputError ("cannot resume from
// PATH: ...") when the file is missing or malformed or is not a libcnn training checkpoint.
CheckpointSummary inspect_checkpoint(const std::string& path);

// Restores model, optimizer and generator; returns the completed epochs. Any mismatch (network
// shapes, optimizer kind) is an InputError naming the file, with `hint` appended.
int64_t resume_from_checkpoint(const std::string& path, cnn::nn::Module& model,
                               cnn::optim::Optimizer& optimizer, cnn::Generator* gen,
                               const std::string& hint);

// Per-epoch records (JSON objects with at least train_loss, val_loss and the metric) and per-step
// losses, with the curves for write_training_curves.
class TrainingHistory {
 public:
  // metric_key: the validation metric in each epoch record ("val_accuracy", "val_map50").
  explicit TrainingHistory(std::string metric_key = "val_accuracy",
                           std::string metric_title = "Validation accuracy (%)");

  void add_step(double epoch_position, double loss);
  void add_epoch(const nlohmann::json& record);
  const nlohmann::json& epochs() const { return epochs_; }
  const TrainingCurves& curves() const { return curves_; }

  nlohmann::json to_json() const;
  // Takes the first `completed_epochs` epochs (and their steps) from a history.json; a missing or
  // unreadable file leaves the history empty.
  void load(const std::string& file, int64_t completed_epochs);

 private:
  std::string metric_key_;
  nlohmann::json epochs_ = nlohmann::json::array();
  TrainingCurves curves_;
};

// End of an epoch: RUN_DIR/checkpoint.safetensors (model, optimizer, epoch, RNG), then
// RUN_DIR/history.json.
void save_epoch_checkpoint(const std::string& run_dir, const cnn::nn::Module& model,
                           const cnn::optim::Optimizer& optimizer, int64_t completed_epochs,
                           const cnn::Generator* gen, const TrainingHistory& history);
// After Ctrl-C: RUN_DIR/interrupted.safetensors with `epoch` as the completed epochs (resuming
// repeats the interrupted epoch with these weights). Returns the path written.
std::string save_interrupted_checkpoint(const std::string& run_dir, const cnn::nn::Module& model,
                                        const cnn::optim::Optimizer& optimizer, int64_t epoch,
                                        const cnn::Generator* gen);

}  // namespace example_common
