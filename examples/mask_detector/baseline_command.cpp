// `mask-detector baseline`: the two-stage system the detector replaces, measured the same way -
// face-api's stock TinyFaceDetector finds faces, the mask-classifier model labels each face crop
// (the box padded by 0.15 as `mask-classifier crops` cuts them), score = face score x class
// probability. Prints the same metrics as `eval`, plus the face detector's recall per label at its
// default threshold 0.5: face detectors trained before masks were common miss masked faces,
// which is why the detector is fine-tuned instead.
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "../mask_classifier/network.h"
#include "cnn/autograd.h"
#include "cnn/data/data_loader.h"
#include "cnn/data/detection_dataset.h"
#include "cnn/models/model_cache.h"
#include "cnn/models/tiny_face_detector.h"
#include "cnn/ops.h"
#include "commands.h"
#include "common/device_choice.h"
#include "common/face_crop.h"
#include "common/progress.h"
#include "common/run_dir.h"
#include "inference.h"
#include "network.h"
#include "report.h"

namespace fs = std::filesystem;

namespace mask_detector {

int run_baseline(const BaselineOptions& o) {
  const cnn::Device device = example_common::select_device(o.device);
  if (!o.out.empty()) example_common::check_output_directory(o.out);
  const std::string missing = cnn::models::face_api_models_missing();
  if (!missing.empty()) throw InputError("baseline: " + missing);
  mask_classifier::LoadedModel classifier = mask_classifier::load_model(o.classifier);
  if (o.split != "all" && !fs::exists(fs::path(o.data) / "splits" / (o.split + ".txt"))) {
    throw InputError("--split " + o.split + ": " + (fs::path(o.data) / "splits").string() + "/" +
                     o.split + ".txt does not exist (use --split all for every annotated image)");
  }
  classifier.network->to(device);
  classifier.network->eval();
  auto faces = cnn::models::TinyFaceDetector::load(cnn::models::face_api_model_dir());
  faces->to(device);

  const std::vector<std::string> classes = cnn::data::face_mask_classes();
  // Classifier class index -> detector label (by name); a class the data does not have is -1.
  std::vector<int> to_label;
  for (const std::string& name : classifier.classes) {
    int label = -1;
    for (size_t k = 0; k < classes.size(); ++k)
      if (classes[k] == name) label = static_cast<int>(k);
    to_label.push_back(label);
  }
  cnn::data::DetectionFolderOptions fo;
  fo.classes = classes;
  fo.split = o.split == "all" ? "" : o.split;
  fo.show_progress = !o.quiet;
  const cnn::data::DetectionDataset ds = cnn::data::load_detection_folder(o.data, fo);

  cnn::NoGradGuard no_grad;
  cnn::detect::MapEvaluator evaluator(static_cast<int>(classes.size()));
  // Face-detector recall per true label at its default threshold (IoU >= 0.5, any label).
  std::vector<int> found(classes.size(), 0), total(classes.size(), 0);
  const int side = classifier.spec.image_size;
  const size_t per_crop = static_cast<size_t>(3) * side * side;
  example_common::Progress bar(!o.quiet, "baseline", ds.size());
  for (size_t i = 0; i < ds.size(); ++i) {
    const cnn::data::DetectionSample& s = ds.samples[i];
    const cnn::data::DecodeResult img = cnn::data::load_sample_image(s);
    if (!img.ok()) throw cnn::data::DataError(s.image_path + ": " + img.skip_reason);
    const std::vector<cnn::models::FaceDetection> found_faces =
        faces->detect(img.image, 416, kMetricsScoreThreshold);
    std::vector<cnn::detect::Detection> dets;
    if (!found_faces.empty()) {
      std::vector<float> pixels(found_faces.size() * per_crop);
      for (size_t f = 0; f < found_faces.size(); ++f) {
        const cnn::detect::Box box =
            cnn::detect::clip(found_faces[f].box, float(img.image.width), float(img.image.height));
        const example_common::PixelRect r =
            example_common::crop_rect(box, 0.15, img.image.width, img.image.height);
        if (r.x1 <= r.x0 || r.y1 <= r.y0) continue;
        const cnn::data::RgbImage crop =
            cnn::data::resize_rgb(example_common::cut(img.image, r), side, side);
        cnn::data::image_to_chw(crop.pixels.data(), side, side, pixels.data() + f * per_crop);
      }
      const cnn::Tensor x = cnn::Tensor::from_vector(
          pixels, {static_cast<int64_t>(found_faces.size()), 3, side, side}, device);
      const std::vector<float> probs = cnn::softmax((*classifier.network)(x)).to_vector();
      const size_t k = classifier.classes.size();
      for (size_t f = 0; f < found_faces.size(); ++f) {
        size_t best = 0;
        for (size_t c = 1; c < k; ++c)
          if (probs[f * k + c] > probs[f * k + best]) best = c;
        if (to_label[best] < 0) continue;
        dets.push_back(
            {cnn::detect::clip(found_faces[f].box, float(img.image.width), float(img.image.height)),
             found_faces[f].score * probs[f * k + best], to_label[best]});
      }
    }
    std::vector<cnn::detect::GroundTruth> truth;
    for (const cnn::data::AnnotatedBox& b : s.boxes) {
      truth.push_back({b.box, b.label, b.difficult});
      ++total[static_cast<size_t>(b.label)];
      for (const cnn::models::FaceDetection& f : found_faces) {
        if (f.score > 0.5f && cnn::detect::iou(f.box, b.box) >= 0.5f) {
          ++found[static_cast<size_t>(b.label)];
          break;
        }
      }
    }
    evaluator.add_image(dets, truth);
    bar.update(i + 1);
  }
  bar.finish();
  const cnn::detect::EvalResult m = evaluator.evaluate(0.5f);
  std::printf("baseline: face-api TinyFaceDetector (416 px) + %s on %s (split %s, %zu images)\n%s",
              o.classifier.c_str(), o.data.c_str(), o.split.c_str(), ds.size(),
              format_metrics(m, classes).c_str());
  nlohmann::json recall = nlohmann::json::object();
  std::printf("face detector recall at score > 0.5, IoU >= 0.5, whatever the label:\n");
  for (size_t c = 0; c < classes.size(); ++c) {
    const double r = total[c] ? double(found[c]) / total[c] : 0.0;
    std::printf("  %-24s %5.1f%% (%d of %d)\n", classes[c].c_str(), 100 * r, found[c], total[c]);
    recall[classes[c]] = {{"found", found[c]}, {"total", total[c]}, {"recall", r}};
  }
  if (!o.out.empty()) {
    example_common::create_output_directory(o.out);
    nlohmann::json j;
    j["metrics"] = metrics_to_json(m, classes);
    j["face_detector_recall"] = recall;
    j["classifier"] = o.classifier;
    j["data"] = o.data;
    j["split"] = o.split;
    j["device"] = example_common::describe_device(device);
    example_common::write_json_file((fs::path(o.out) / "baseline.json").string(), j);
    std::printf("wrote %s/baseline.json\n", o.out.c_str());
  }
  return 0;
}

}  // namespace mask_detector
