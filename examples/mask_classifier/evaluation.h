// Inference over a set of images (validation, eval command) and device selection shared by the
// subcommands.
#pragma once

#include <string>
#include <vector>

#include "cnn/data/dataset.h"
#include "cnn/device.h"
#include "cnn/nn/module.h"
#include "common/device_choice.h"
#include "network.h"

namespace mask_classifier {

using example_common::select_device;  // common/device_choice.h

struct Predictions {
  std::vector<size_t> indices;     // dataset indices, in evaluation order
  std::vector<int32_t> truth;      // true labels
  std::vector<int32_t> predicted;  // argmax of the logits
  std::vector<float> probability;  // softmax probability of the predicted class
  double mean_loss = 0;            // mean cross-entropy over the images
};

// Runs the model in eval mode without recording a graph. The model must be on `device`.
// progress_label: a progress bar with this label on stderr (empty: none).
// flip_average: the logits are the mean of the model's logits for each image and for its mirror
// image (test-time augmentation; twice the work).
Predictions predict_dataset(cnn::nn::Module& model, const cnn::data::ImageDataset& dataset,
                            const std::vector<size_t>& indices, size_t batch_size,
                            cnn::Device device, const std::string& progress_label = "",
                            bool flip_average = false);

// The logits of a batch x [N, 3, H, W], with flip_average as above.
cnn::Tensor classify(cnn::nn::Module& model, const cnn::Tensor& x, bool flip_average);

// "on", "off", or "model" (what the model file says; see save_model); InputError otherwise.
bool resolve_flip_average(const std::string& choice, const LoadedModel& model);

// x [N, C, H, W] mirrored left-right (through the host: a pre-processing step, not a kernel).
cnn::Tensor mirror_horizontally(const cnn::Tensor& x);

}  // namespace mask_classifier
