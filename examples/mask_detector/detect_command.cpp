// `mask-detector detect`: one line per face, PATH<TAB>LABEL<TAB>SCORE<TAB>x1,y1,x2,y2 (pixels of
// the photo, x2/y2 exclusive), and with --out an annotated PNG per photo plus detections.json.
// A photo that cannot be decoded gets a message on stderr, the others are still processed, and
// the exit code is 2 (as mask-classifier predict).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "cnn/data/image.h"
#include "commands.h"
#include "common/cli_checks.h"
#include "common/device_choice.h"
#include "common/progress.h"
#include "common/run_dir.h"
#include "inference.h"
#include "network.h"
#include "report.h"

namespace fs = std::filesystem;

namespace mask_detector {

nlohmann::json detections_to_json(const std::vector<cnn::detect::Detection>& detections,
                                  const std::vector<std::string>& classes) {
  nlohmann::json out = nlohmann::json::array();
  for (const cnn::detect::Detection& d : detections) {
    out.push_back(
        {{"label", classes.at(static_cast<size_t>(d.label))},
         {"score", example_common::shortest_decimal(d.score)},
         {"box",
          {example_common::shortest_decimal(d.box.x1), example_common::shortest_decimal(d.box.y1),
           example_common::shortest_decimal(d.box.x2),
           example_common::shortest_decimal(d.box.y2)}}});
  }
  return out;
}

int run_detect(const DetectOptions& o) {
  example_common::ValueChecks checks;
  checks.open_interval("--threshold", o.threshold, 0, 1);
  check_input_size_flag(checks, "--image-size", o.image_size, /*zero_means_default=*/true);
  checks.throw_if_failed();
  const cnn::Device device = example_common::select_device(o.device);
  if (!o.out.empty()) example_common::check_output_directory(o.out);
  LoadedModel model = load_model(o.model, o.image_size);
  model.network->to(device);
  if (!o.out.empty()) example_common::create_output_directory(o.out);
  PostprocessOptions po;
  po.score_threshold = o.threshold;

  nlohmann::json all = nlohmann::json::array();
  std::set<std::string> used_names;
  bool any_failed = false;
  double detect_seconds = 0;
  size_t detected_images = 0;
  for (const std::string& path : o.images) {
    const cnn::data::DecodeResult r = cnn::data::decode_image_file(path);
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s: %s\n", path.c_str(), r.skip_reason.c_str());
      any_failed = true;
      continue;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<cnn::detect::Detection> dets =
        detect_image(*model.network, r.image, device, po);
    detect_seconds += example_common::seconds_since(t0);
    ++detected_images;
    for (const cnn::detect::Detection& d : dets) {
      std::printf("%s\t%s\t%.4f\t%.1f,%.1f,%.1f,%.1f\n", path.c_str(),
                  model.spec.classes[static_cast<size_t>(d.label)].c_str(), d.score, d.box.x1,
                  d.box.y1, d.box.x2, d.box.y2);
    }
    std::fflush(stdout);
    if (o.out.empty()) continue;
    // OUT/<stem>.png, or <stem>-2.png ... when two inputs share a stem.
    const std::string stem = fs::path(path).stem().string();
    std::string name = stem + ".png";
    for (int k = 2; used_names.count(name); ++k) name = stem + "-" + std::to_string(k) + ".png";
    used_names.insert(name);
    const std::string annotated_path = (fs::path(o.out) / name).string();
    if (!cnn::data::write_png(annotated_path, annotate(r.image, dets, model.spec.classes))) {
      std::fprintf(stderr, "error: cannot write %s\n", annotated_path.c_str());
      return 1;
    }
    all.push_back({{"path", path},
                   {"width", r.image.width},
                   {"height", r.image.height},
                   {"annotated", name},
                   {"detections", detections_to_json(dets, model.spec.classes)}});
  }
  if (detected_images > 0) {
    std::fprintf(stderr, "%zu images, %.1f ms per image (decoding excluded), %s\n", detected_images,
                 1000 * detect_seconds / double(detected_images),
                 example_common::describe_device(device).c_str());
  }
  if (!o.out.empty()) {
    example_common::write_json_file((fs::path(o.out) / "detections.json").string(),
                                    {{"model", o.model},
                                     {"threshold", example_common::shortest_decimal(o.threshold)},
                                     {"images", all}});
    std::fprintf(stderr, "wrote %s/{detections.json, %zu annotated images}\n", o.out.c_str(),
                 all.size());
  }
  return any_failed ? 2 : 0;
}

}  // namespace mask_detector
