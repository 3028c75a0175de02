// From network outputs to faces: decoding, non-maximum suppression and the map back to the
// original photo, for one batch, a whole data set (with the detection metrics) or one image.
//
// Choices that matter:
//   - One label per face: yolo_decode gives each (cell, anchor) its best class, and NMS is
//     class-agnostic, so a face is never reported both "with_mask" and "without_mask". The
//     metrics score exactly what `detect` prints.
//   - Boxes are mapped back with the inverse of the loader's letterbox transform and clipped to
//     the photo.
#pragma once

#include <string>
#include <vector>

#include "cnn/data/detection_dataset.h"
#include "cnn/data/detection_loader.h"
#include "cnn/detect/map_eval.h"
#include "network.h"

namespace mask_detector {

struct PostprocessOptions {
  float score_threshold = 0.5f;  // objectness * class probability
  float nms_iou = 0.45f;
  int max_detections = 300;  // per image, after NMS
};
// The score threshold the metrics use for the ranking (AP needs the low-scored detections too).
inline constexpr float kMetricsScoreThreshold = 0.01f;

// Head outputs of a batch -> per image, detections in original-image pixels, best first.
std::vector<std::vector<cnn::detect::Detection>> postprocess(
    const std::vector<cnn::Tensor>& outputs, const DetectorSpec& spec,
    const std::vector<cnn::data::AxisTransform>& transforms,
    const std::vector<std::pair<int, int>>& image_sizes, const PostprocessOptions& options);

// Detections of every image of `indices` (the model in eval mode, no graph), and their metrics
// against the data set's boxes. report_threshold: the score threshold of the precision/recall
// figures (AP uses every detection above kMetricsScoreThreshold).
struct DatasetDetections {
  std::vector<size_t> indices;                                  // dataset indices, in order
  std::vector<std::vector<cnn::detect::Detection>> detections;  // per image, original pixels
  cnn::detect::EvalResult metrics;
  double seconds = 0;
};
DatasetDetections detect_dataset(MaskDetectorNet& model, const cnn::data::DetectionDataset& dataset,
                                 const std::vector<size_t>& indices, size_t batch_size,
                                 cnn::Device device, float report_threshold,
                                 const std::string& progress_label = "");

// One photo: letterboxed with its longer side at spec().detect_size() into the smallest input of
// multiples of 32 (YOLOv5's rectangular inference; eval batches photos of every shape and uses
// the square), run, decoded. The model must be on `device`.
std::vector<cnn::detect::Detection> detect_image(MaskDetectorNet& model,
                                                 const cnn::data::RgbImage& image,
                                                 cnn::Device device,
                                                 const PostprocessOptions& options);

}  // namespace mask_detector
