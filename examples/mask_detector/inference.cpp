// Decoding, NMS and data-set evaluation (see inference.h).
#include "inference.h"

#include <algorithm>
#include <chrono>

#include "cnn/autograd.h"
#include "cnn/data/data_loader.h"
#include "cnn/detect/nms.h"
#include "common/progress.h"

namespace mask_detector {

std::vector<std::vector<cnn::detect::Detection>> postprocess(
    const std::vector<cnn::Tensor>& outputs, const DetectorSpec& spec,
    const std::vector<cnn::data::AxisTransform>& transforms,
    const std::vector<std::pair<int, int>>& image_sizes, const PostprocessOptions& options) {
  cnn::detect::DecodeOptions decode;
  decode.score_threshold = options.score_threshold;
  decode.multi_label = false;
  const auto decoded = cnn::detect::yolo_decode(outputs, spec.yolo_config(), decode);
  cnn::detect::NmsOptions nms;
  nms.iou_threshold = options.nms_iou;
  nms.class_agnostic = true;
  nms.top_k = options.max_detections;
  std::vector<std::vector<cnn::detect::Detection>> out(decoded.size());
  for (size_t n = 0; n < decoded.size(); ++n) {
    const cnn::data::AxisTransform back = transforms[n].inverse();
    for (cnn::detect::Detection d : cnn::detect::nms(decoded[n], nms)) {
      d.box = cnn::detect::clip(back.apply(d.box), static_cast<float>(image_sizes[n].first),
                                static_cast<float>(image_sizes[n].second));
      if (d.box.width() > 0 && d.box.height() > 0) out[n].push_back(d);
    }
  }
  return out;
}

DatasetDetections detect_dataset(MaskDetectorNet& model, const cnn::data::DetectionDataset& dataset,
                                 const std::vector<size_t>& indices, size_t batch_size,
                                 cnn::Device device, float report_threshold,
                                 const std::string& progress_label) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool was_training = model.is_training();
  model.eval();
  cnn::NoGradGuard no_grad;
  cnn::data::DetectionLoaderOptions lo;
  lo.batch_size = batch_size;
  lo.shuffle = false;
  lo.image_size = model.spec().detect_size();
  lo.device = device;
  cnn::data::DetectionLoader loader(dataset, indices, lo);
  loader.start_epoch(0);
  example_common::Progress bar(!progress_label.empty(), progress_label, loader.size());
  PostprocessOptions po;
  po.score_threshold = kMetricsScoreThreshold;
  cnn::detect::MapEvaluator evaluator(static_cast<int>(dataset.classes.size()));
  DatasetDetections result;
  cnn::data::DetectionBatch batch;
  while (loader.next(&batch)) {
    std::vector<std::pair<int, int>> sizes;
    for (size_t i : batch.indices)
      sizes.emplace_back(dataset.samples[i].width, dataset.samples[i].height);
    auto dets =
        postprocess(model.forward_levels(batch.images), model.spec(), batch.transforms, sizes, po);
    for (size_t k = 0; k < dets.size(); ++k) {
      std::vector<cnn::detect::GroundTruth> truth;
      for (const cnn::data::AnnotatedBox& b : dataset.samples[batch.indices[k]].boxes)
        truth.push_back({b.box, b.label, b.difficult});
      evaluator.add_image(dets[k], truth);
      result.indices.push_back(batch.indices[k]);
      result.detections.push_back(std::move(dets[k]));
    }
    bar.update(result.indices.size());
  }
  bar.finish();
  result.metrics = evaluator.evaluate(report_threshold);
  result.seconds = example_common::seconds_since(t0);
  model.train(was_training);
  return result;
}

std::vector<cnn::detect::Detection> detect_image(MaskDetectorNet& model,
                                                 const cnn::data::RgbImage& image,
                                                 cnn::Device device,
                                                 const PostprocessOptions& options) {
  cnn::NoGradGuard no_grad;
  // The longer side at detect_size, the shorter one padded only to a multiple of 32: a 640x480
  // frame at 512 is a 512x384 input, not 512x512.
  const cnn::detect::Letterbox lb = cnn::detect::Letterbox::fit_rectangle(
      image.width, image.height, model.spec().detect_size(), 32);
  const cnn::data::AugmentedSample in = cnn::data::letterbox(image, {}, lb);
  const int w = lb.input_width, h = lb.input_height;
  std::vector<float> values(static_cast<size_t>(3) * w * h);
  cnn::data::image_to_chw(in.image.pixels.data(), w, h, values.data());
  const cnn::Tensor x = cnn::Tensor::from_vector(values, {1, 3, h, w}).to(device);
  return postprocess(model.forward_levels(x), model.spec(), {in.transform},
                     {{image.width, image.height}}, options)
      .front();
}

}  // namespace mask_detector
