// Training checkpoints: one safetensors file with prefixed model/optimizer tensors and scalar
// metadata (see checkpoint.h).
#include "cnn/serialize/checkpoint.h"

#include "cnn/error.h"
#include "cnn/random.h"
#include "cnn/serialize/safetensors.h"

namespace cnn::serialize {
namespace {

constexpr const char* kFormat = "libcnn-training-checkpoint-1";
const std::string kModel = "model.";
const std::string kOptimizer = "optimizer.";

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

void save_checkpoint(const std::string& path, const nn::Module& model,
                     const optim::Optimizer& optimizer, const TrainingState& state,
                     const Generator* gen) {
  nn::NamedTensors tensors;
  for (const auto& [name, t] : model.state_dict()) tensors.emplace_back(kModel + name, t);
  const optim::OptimizerState opt = optimizer.state_dict();
  for (const auto& [name, t] : opt.tensors) tensors.emplace_back(kOptimizer + name, t);
  Metadata meta;
  meta["format"] = kFormat;
  meta["epoch"] = std::to_string(state.epoch);
  meta["rng"] = (gen ? *gen : default_generator()).state();
  for (const auto& [key, value] : opt.scalars) meta[kOptimizer + key] = value;
  save_safetensors(path, tensors, meta);
}

TrainingState load_checkpoint(const std::string& path, nn::Module& model,
                              optim::Optimizer& optimizer, Generator* gen) {
  SafetensorsContents contents = load_safetensors(path);
  auto meta = [&](const std::string& key) {
    auto it = contents.metadata.find(key);
    if (it == contents.metadata.end()) {
      throw Error("checkpoint '" + path + "': metadata '" + key +
                  "' is missing (not a libcnn training checkpoint?)");
    }
    return it->second;
  };
  if (meta("format") != kFormat) {
    throw Error("checkpoint '" + path + "': unknown format '" + meta("format") + "'");
  }
  nn::NamedTensors model_tensors;
  optim::OptimizerState opt;
  for (auto& [name, t] : contents.tensors) {
    if (starts_with(name, kModel)) {
      model_tensors.emplace_back(name.substr(kModel.size()), t);
    } else if (starts_with(name, kOptimizer)) {
      opt.tensors.emplace_back(name.substr(kOptimizer.size()), t);
    } else {
      throw Error("checkpoint '" + path + "': unexpected tensor '" + name + "'");
    }
  }
  for (const auto& [key, value] : contents.metadata) {
    if (starts_with(key, kOptimizer)) opt.scalars[key.substr(kOptimizer.size())] = value;
  }
  TrainingState state;
  try {
    state.epoch = std::stoll(meta("epoch"));
  } catch (const std::logic_error&) {
    throw Error("checkpoint '" + path + "': epoch '" + meta("epoch") + "' is not an integer");
  }
  try {
    // Validate everything before changing anything the caller owns: the generator state parses
    // first, the model load checks all names/shapes before copying.
    Generator restored;
    restored.set_state(meta("rng"));
    model.load_state_dict(model_tensors, /*strict=*/true);
    optimizer.load_state_dict(opt);
    (gen ? *gen : default_generator()) = restored;
  } catch (const Error& e) {
    throw Error("checkpoint '" + path + "': " + e.what());
  }
  return state;
}

}  // namespace cnn::serialize
