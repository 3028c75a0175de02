// Model cache location (see model_cache.h).
#include "cnn/models/model_cache.h"

#include <cstdlib>
#include <fstream>

namespace cnn::models {

std::string model_cache_dir() {
  const char* env = std::getenv("CNN_MODEL_CACHE");
  if (env != nullptr && env[0] != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.cache/libcnn";
}

std::string face_api_dir() {
  return model_cache_dir() + "/face-api-1.7.15";
}

std::string face_api_model_dir() {
  return face_api_dir() + "/model";
}

std::string face_api_models_missing(const std::string& model_dir) {
  std::ifstream manifest(model_dir + "/tiny_face_detector_model-weights_manifest.json");
  if (manifest) return {};
  return "face-api models not found in " + model_dir + ": run .ci/fetch-models";
}

}  // namespace cnn::models
