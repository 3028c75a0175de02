// Checkpoint inspection, resume and run history (see checkpoint.h).
#include "common/checkpoint.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "cnn/error.h"
#include "cnn/serialize/checkpoint.h"
#include "cnn/serialize/safetensors.h"
#include "common/exit_codes.h"
#include "common/run_dir.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace example_common {

const std::vector<int64_t>* CheckpointSummary::shape_of(const std::string& name) const {
  for (const auto& [n, shape] : model_shapes) {
    if (n == name) return &shape;
  }
  return nullptr;
}

CheckpointSummary inspect_checkpoint(const std::string& path) {
  const std::string what = "cannot resume from '" + path + "': ";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw InputError(what + "no such file");
  cnn::serialize::SafetensorsContents contents;
  try {
    contents = cnn::serialize::load_safetensors(path);
  } catch (const std::exception& e) {
    throw InputError(what + e.what());
  }
  CheckpointSummary s;
  const auto epoch = contents.metadata.find("epoch");
  if (epoch == contents.metadata.end()) {
    throw InputError(what + "not a libcnn training checkpoint (no 'epoch' metadata); pass a " +
                     kCheckpointFile + " or " + kInterruptedFile + " written by train");
  }
  try {
    size_t used = 0;
    s.epoch = std::stoll(epoch->second, &used);
    if (used != epoch->second.size() || s.epoch < 0) throw std::invalid_argument("epoch");
  } catch (const std::logic_error&) {
    throw InputError(what + "epoch '" + epoch->second + "' is not a count of epochs");
  }
  const std::string prefix = "model.";
  for (const auto& [name, tensor] : contents.tensors) {
    if (name.compare(0, prefix.size(), prefix) == 0)
      s.model_shapes.emplace_back(name.substr(prefix.size()), tensor.shape());
  }
  if (s.model_shapes.empty()) throw InputError(what + "the checkpoint holds no model tensors");
  return s;
}

int64_t resume_from_checkpoint(const std::string& path, cnn::nn::Module& model,
                               cnn::optim::Optimizer& optimizer, cnn::Generator* gen,
                               const std::string& hint) {
  try {
    return cnn::serialize::load_checkpoint(path, model, optimizer, gen).epoch;
  } catch (const cnn::Error& e) {
    throw InputError("cannot resume from '" + path + "': " + e.what() +
                     (hint.empty() ? "" : "\n" + hint));
  }
}

TrainingHistory::TrainingHistory(std::string metric_key, std::string metric_title)
    : metric_key_(std::move(metric_key)) {
  curves_.metric_title = std::move(metric_title);
}

void TrainingHistory::add_step(double epoch_position, double loss) {
  curves_.step_epoch.push_back(epoch_position);
  curves_.step_loss.push_back(loss);
}

void TrainingHistory::add_epoch(const json& record) {
  epochs_.push_back(record);
  curves_.epoch.push_back(static_cast<double>(epochs_.size()));
  // A double default: with NAN (a float) json::value would return floats.
  const double missing = std::numeric_limits<double>::quiet_NaN();
  // Absent or null (a metric a run has no value for, e.g. a detector's validation loss): NaN, a
  // gap in the curve.
  auto number = [&](const std::string& key) {
    const auto it = record.find(key);
    return it != record.end() && it->is_number() ? it->get<double>() : missing;
  };
  curves_.train_loss.push_back(number("train_loss"));
  curves_.val_loss.push_back(number("val_loss"));
  curves_.val_metric.push_back(number(metric_key_));
}

json TrainingHistory::to_json() const {
  return {
      {"epochs", epochs_}, {"step_epoch", curves_.step_epoch}, {"step_loss", curves_.step_loss}};
}

void TrainingHistory::load(const std::string& file, int64_t completed_epochs) {
  std::ifstream in(file);
  if (!in) return;
  const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("epochs") || !j["epochs"].is_array()) return;
  const auto se = j.value("step_epoch", std::vector<double>{});
  const auto sl = j.value("step_loss", std::vector<double>{});
  for (size_t i = 0; i < se.size() && i < sl.size(); ++i) {
    if (se[i] <= static_cast<double>(completed_epochs)) add_step(se[i], sl[i]);
  }
  for (const json& e : j["epochs"]) {
    if (static_cast<int64_t>(epochs_.size()) < completed_epochs) add_epoch(e);
  }
}

void save_epoch_checkpoint(const std::string& run_dir, const cnn::nn::Module& model,
                           const cnn::optim::Optimizer& optimizer, int64_t completed_epochs,
                           const cnn::Generator* gen, const TrainingHistory& history) {
  cnn::serialize::save_checkpoint((fs::path(run_dir) / kCheckpointFile).string(), model, optimizer,
                                  cnn::serialize::TrainingState{completed_epochs}, gen);
  write_json_file((fs::path(run_dir) / kHistoryFile).string(), history.to_json());
}

std::string save_interrupted_checkpoint(const std::string& run_dir, const cnn::nn::Module& model,
                                        const cnn::optim::Optimizer& optimizer, int64_t epoch,
                                        const cnn::Generator* gen) {
  const std::string path = (fs::path(run_dir) / kInterruptedFile).string();
  cnn::serialize::save_checkpoint(path, model, optimizer, cnn::serialize::TrainingState{epoch},
                                  gen);
  return path;
}

}  // namespace example_common
