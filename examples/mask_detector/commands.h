// The subcommands of mask-detector, each a function from parsed options to an exit code
// (0 success, 1 other failure). Bad input is thrown (cnn::data::DataError, InputError) and mapped
// to exit code 2 by main (examples/common/exit_codes.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mask_detector {

// The built-in synthetic scene set used without --data (train + validation scenes).
inline constexpr size_t kDefaultSyntheticCount = 600;
inline constexpr size_t kDefaultSyntheticVal = 60;

struct TrainOptions {
  std::string data;  // empty: built-in synthetic scenes
  int epochs = 0;    // 0: the recipe's default (see train_command.cpp)
  int batch = 8;
  int image_size = 416;
  int inference_size = 0;  // eval/detect/validation input; 0: the recipe's (train_command.cpp)
  std::string from_pretrained = "tiny-face";  // or "none"
  int freeze = -1;  // backbone layers kept fixed (conv0 .. conv{freeze-1}); -1: recipe default
  float lr = 1e-2f;
  uint64_t seed = 0;
  std::string device = "auto";
  std::string out = "runs/mask-detector";
  std::string resume;
  size_t synthetic_count = kDefaultSyntheticCount;
  bool augment = true;
  bool strict = false;
  bool quiet = false;
};
int run_train(const TrainOptions& options);

struct EvalOptions {
  std::string model;
  std::string data;
  std::string split = "test";  // splits/<split>.txt; "all" = every annotated image
  std::string out;             // run directory for metrics.json, figures and report.html
  std::string device = "auto";
  int batch = 8;
  float threshold = 0.5f;  // of the precision/recall figures
  int image_size = 0;      // square input side; 0: the model's inference size
  bool strict = false;
  bool quiet = false;
};
int run_eval(const EvalOptions& options);

struct DetectOptions {
  std::string model;
  std::vector<std::string> images;
  std::string out;  // annotated images and detections.json (empty: print only)
  float threshold = 0.5f;
  int image_size = 0;  // square input side; 0: the model's inference size
  std::string device = "auto";
};
int run_detect(const DetectOptions& options);

struct VideoOptions {
  std::string model;
  std::string in;    // a file, or a capture device such as /dev/video0
  std::string out;   // FILE.mp4
  std::string json;  // per-frame detections as JSON lines (default: OUT with .jsonl)
  float threshold = 0.5f;
  int max_frames = 0;  // 0: all
  int image_size = 0;  // square input side; 0: the model's inference size
  std::string device = "auto";
  bool quiet = false;
};
int run_video(const VideoOptions& options);

// The two-stage baseline: stock face detector + the mask classifier (baseline_command.cpp).
struct BaselineOptions {
  std::string classifier;  // a mask-classifier model.safetensors
  std::string data;
  std::string split = "test";
  std::string out;
  std::string device = "auto";
  bool quiet = false;
};
int run_baseline(const BaselineOptions& options);

}  // namespace mask_detector
