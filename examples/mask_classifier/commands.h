// The five subcommands of mask-classifier, each a function from parsed options to an exit code
// (0 success, 1 other failure). Bad input is thrown (cnn::data::DataError, InputError) and
// mapped to exit code 2 by main (examples/common/exit_codes.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "network.h"

namespace mask_classifier {

// Default size of the built-in synthetic set when training without --data (train + validation).
// The published seed run had 4609 RMFD images; the synthetic set is harder for the seed recipe's
// slow start (SGD 1e-3 from PyTorch's initialisation), and 7000 training images x 4 epochs = 440
// SGD steps still fit in 7 minutes on a 2-core CPU (README.md has the measurements).
inline constexpr size_t kDefaultSyntheticCount = 8000;

// Defaults are the seed recipe (recipes.h applies another named recipe before training).
struct TrainOptions {
  std::string recipe = "seed";  // the named recipe these options came from (metrics.json)
  std::string data;             // empty: the built-in synthetic set
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
  float shift = 0.08f;  // with augment: largest random shift, fraction of the side (0: flips only)
  float low_resolution = 0.f;         // with augment: probability of a low-resolution round trip
  float colour = 0.f;                 // with augment: colour jitter strength (0: off)
  std::string schedule = "constant";  // or "warmup-cosine" (per step, warm-up over epoch 1)
  std::string from_pretrained = "tiny-face";  // --network tiny-face: "tiny-face" or "none"
  bool strict = false;
  size_t synthetic_count = kDefaultSyntheticCount;
  NetworkSpec network;
  bool flip_average = false;  // written into the model: eval/predict average x and its mirror
  bool quiet = false;         // no progress bars
};
int run_train(const TrainOptions& options);

struct EvalOptions {
  std::string model;
  std::string flip_average = "model";  // "model" (what the model file says), "on" or "off"
  std::string data;
  std::string json;  // where to write the metrics JSON (empty: print only)
  std::string out;   // run directory for metrics.json, figures and report.html (empty: none)
  std::string device = "auto";
  int batch = 64;
  bool strict = false;
  bool quiet = false;
};
int run_eval(const EvalOptions& options);

struct PredictOptions {
  std::string model;
  std::string flip_average = "model";
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

// `crops`: the face boxes of a Pascal VOC folder cut into an ImageFolder (crops_command.cpp).
inline constexpr double kDefaultCropMargin = 0.15;  // of the box side, on each side
struct CropsOptions {
  std::string voc;
  std::string out;
  double margin = kDefaultCropMargin;
  int min_size = 32;  // pixels, on the box before the margin
  std::vector<std::string> labels = {"with_mask", "without_mask"};
  bool force = false;
  bool strict = false;
};
int run_crops(const CropsOptions& options);

}  // namespace mask_classifier
