// The four subcommands of mask-classifier, each a function from parsed options to an exit code
// (0 success, 1 other failure). Bad input is thrown (cnn::data::DataError, InputError) and
// mapped to exit code 2 by main.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "network.h"

namespace mask_classifier {

// Default size of the built-in synthetic set when training without --data (train + validation):
// 4609 like the published seed run on RMFD, so with --val 1000 the network takes the same 3609
// training images x 4 epochs = 228 SGD steps. About 2.8 TFLOP per epoch; README.md has the
// measured time on a 2-core CPU.
inline constexpr size_t kDefaultSyntheticCount = 4609;

struct TrainOptions {
  std::string data;  // empty: the built-in synthetic set
  int epochs = 4;
  int batch = 64;
  float lr = 1e-3f;
  float momentum = 0.9f;
  std::string optimizer = "sgd";
  std::string val = "1000";
  uint64_t seed = 0;
  std::string device = "auto";
  std::string out = "runs/mask-classifier";
  std::string resume;
  bool augment = false;
  bool strict = false;
  size_t synthetic_count = kDefaultSyntheticCount;
  NetworkSpec network;
  bool quiet = false;  // no progress bars
};
int run_train(const TrainOptions& options);

struct EvalOptions {
  std::string model;
  std::string data;
  std::string json;  // where to write the metrics JSON (empty: next to nothing, print only)
  std::string device = "auto";
  int batch = 64;
  bool strict = false;
  bool quiet = false;
};
int run_eval(const EvalOptions& options);

struct PredictOptions {
  std::string model;
  std::vector<std::string> images;
  std::string device = "auto";
};
int run_predict(const PredictOptions& options);

struct SynthOptions {
  std::string out;
  size_t count = 1000;
  uint64_t seed = 0;
  int size = 100;
};
int run_synth(const SynthOptions& options);

}  // namespace mask_classifier
