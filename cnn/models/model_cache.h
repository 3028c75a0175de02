// Where pretrained models live on this machine: libcnn's model cache, filled by .ci/fetch-models
// (the only step that touches the network). Tests and programs look here and skip, or fail with
// a reason that says how to fill it, when a model is absent.
#pragma once

#include <string>

namespace cnn::models {

// $CNN_MODEL_CACHE when set and non-empty, else $HOME/.cache/libcnn (no trailing slash).
std::string model_cache_dir();

// The pinned face-api package .ci/fetch-models unpacks: "<cache>/face-api-1.7.15".
std::string face_api_dir();
// Its model/ folder (TensorFlow.js manifests and shards).
std::string face_api_model_dir();

// Empty when `model_dir` holds the TinyFaceDetector's manifest; otherwise the reason to skip:
// "face-api models not found in DIR: run .ci/fetch-models".
std::string face_api_models_missing(const std::string& model_dir = face_api_model_dir());

}  // namespace cnn::models
