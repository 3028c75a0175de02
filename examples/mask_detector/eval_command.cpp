// `mask-detector eval`: the detection metrics of a model on any VOC or YOLO folder (one split or
// all of it), printed, and with --out written as metrics.json, PR curves, a photo grid and
// report.html. The model file is read and checked before the data set is decoded.
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cnn/data/detection_dataset.h"
#include "commands.h"
#include "common/cli_checks.h"
#include "common/device_choice.h"
#include "common/run_dir.h"
#include "inference.h"
#include "network.h"
#include "report.h"

namespace fs = std::filesystem;

namespace mask_detector {

int run_eval(const EvalOptions& o) {
  example_common::ValueChecks checks;
  checks.at_least("--batch", o.batch, 1);
  checks.open_interval("--threshold", o.threshold, 0, 1);
  check_input_size_flag(checks, "--image-size", o.image_size, /*zero_means_default=*/true);
  checks.throw_if_failed();
  const cnn::Device device = example_common::select_device(o.device);
  if (!o.out.empty()) example_common::check_output_directory(o.out);
  LoadedModel model = load_model(o.model, o.image_size);
  if (o.split != "all" && !fs::exists(fs::path(o.data) / "splits" / (o.split + ".txt"))) {
    throw InputError("--split " + o.split + ": " + (fs::path(o.data) / "splits").string() + "/" +
                     o.split + ".txt does not exist (use --split all for every annotated image)");
  }
  model.network->to(device);

  cnn::data::DetectionFolderOptions fo;
  fo.classes = model.spec.classes;  // labels the model does not know are skipped and reported
  fo.split = o.split == "all" ? "" : o.split;
  fo.strict = o.strict;
  fo.show_progress = !o.quiet;
  const cnn::data::DetectionDataset ds = cnn::data::load_detection_folder(o.data, fo);
  std::fputs(cnn::data::skip_summary(ds).c_str(), stderr);

  std::vector<size_t> all(ds.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const DatasetDetections r = detect_dataset(*model.network, ds, all, static_cast<size_t>(o.batch),
                                             device, o.threshold, o.quiet ? "" : "detecting");
  std::printf("%s on %s (split %s, %zu images, %.1f images/s)\n%s", o.model.c_str(), o.data.c_str(),
              o.split.c_str(), ds.size(), double(ds.size()) / r.seconds,
              format_metrics(r.metrics, ds.classes).c_str());
  if (o.out.empty()) return 0;

  nlohmann::json j;
  j["metrics"] = metrics_to_json(r.metrics, ds.classes);
  j["classes"] = ds.classes;
  j["model"] = o.model;
  j["data"] = o.data;
  j["split"] = o.split;
  j["device"] = example_common::describe_device(device);
  j["network"] = model.spec.describe();
  j["images_per_second"] = double(ds.size()) / r.seconds;
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : ds.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped_files"] = skipped;
  example_common::create_output_directory(o.out);
  const fs::path dir(o.out);
  example_common::write_json_file((dir / "metrics.json").string(), j);
  std::vector<cnn::data::RgbImage> annotated;
  for (size_t k = 0; k < r.indices.size() && annotated.size() < 12; ++k) {
    const cnn::data::DetectionSample& s = ds.samples[r.indices[k]];
    const cnn::data::DecodeResult img = cnn::data::load_sample_image(s);
    if (!img.ok()) continue;
    std::vector<cnn::detect::Detection> shown;
    for (const auto& d : r.detections[k])
      if (d.score >= o.threshold) shown.push_back(d);
    annotated.push_back(annotate(img.image, shown, ds.classes, &s.boxes));
  }
  const bool ok = write_pr_curves_png((dir / kPrCurvesPng).string(), r.metrics, ds.classes) &&
                  write_detection_grid((dir / kGridPng).string(), annotated) &&
                  write_report_html((dir / "report.html").string(), j);
  if (!ok) {
    std::fprintf(stderr, "error: could not write the figures or report.html in %s\n",
                 o.out.c_str());
    return 1;
  }
  std::printf("wrote %s/{metrics.json, %s, %s, report.html}\n", o.out.c_str(), kPrCurvesPng,
              kGridPng);
  return 0;
}

}  // namespace mask_detector
