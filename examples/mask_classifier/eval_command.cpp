// `mask-classifier eval`: a trained model on any ImageFolder (cross-dataset evaluation). The
// folder's class names are matched to the model's by name, so a folder may list them in any order
// or hold a subset of the classes.
//
// Choices that matter:
//   - Everything that can be checked without decoding is checked first (flags, --out, the model
//     file, the folder's class names against the model's), so a wrong command fails in seconds.
//   - Inference shows a progress bar (thousands of images take minutes on a CPU); --quiet hides
//     it and the decoding bar.
//   - --out DIR writes metrics.json, confusion.png, eval_grid.png and report.html like a training
//     run; --json FILE writes the same metrics.json content to one file.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cnn/data/image_folder.h"
#include "cnn/device.h"
#include "cnn/nn/sequential.h"
#include "commands.h"
#include "common/cli_checks.h"
#include "common/run_dir.h"
#include "evaluation.h"
#include "metrics.h"
#include "plots.h"
#include "report.h"

namespace fs = std::filesystem;

namespace mask_classifier {
namespace {

// The class sub-folders of an ImageFolder root by the loader's rule (directories whose names do
// not start with '.'); empty when the root cannot be listed (the loader then says why).
std::vector<std::string> class_folder_names(const std::string& root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory(ec) && name.rfind('.', 0) != 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void check_classes_known(const std::vector<std::string>& folder_classes,
                         const std::vector<std::string>& model_classes, const std::string& data) {
  for (const std::string& name : folder_classes) {
    if (std::find(model_classes.begin(), model_classes.end(), name) == model_classes.end()) {
      std::string known;
      for (const std::string& c : model_classes) known += (known.empty() ? "" : ", ") + c;
      throw InputError("class folder '" + name + "' in " + data + " is not a class of the model (" +
                       known + ")");
    }
  }
}

}  // namespace

int run_eval(const EvalOptions& o) {
  example_common::ValueChecks checks;
  checks.at_least("--batch", o.batch, 1);
  checks.throw_if_failed();
  const cnn::Device device = select_device(o.device);
  if (!o.out.empty()) example_common::check_output_directory(o.out);
  LoadedModel model = load_model(o.model);
  check_classes_known(class_folder_names(o.data), model.classes, o.data);
  model.network->to(device);

  cnn::data::ImageFolderOptions fo;
  fo.width = fo.height = model.spec.image_size;
  fo.strict = o.strict;
  fo.show_progress = !o.quiet;
  cnn::data::ImageDataset ds = cnn::data::load_image_folder(o.data, fo);
  std::fputs(cnn::data::skip_summary(ds).c_str(), stderr);

  // Folder class index -> model class index.
  check_classes_known(ds.classes, model.classes, o.data);
  std::vector<int32_t> to_model;
  for (const std::string& name : ds.classes) {
    const auto it = std::find(model.classes.begin(), model.classes.end(), name);
    to_model.push_back(static_cast<int32_t>(it - model.classes.begin()));
  }
  for (int32_t& label : ds.labels) label = to_model[static_cast<size_t>(label)];
  ds.classes = model.classes;

  std::vector<size_t> all(ds.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const bool flip_average = resolve_flip_average(o.flip_average, model);
  const Predictions p = predict_dataset(*model.network, ds, all, static_cast<size_t>(o.batch),
                                        device, o.quiet ? "" : "predicting", flip_average);
  const ClassificationMetrics m = compute_metrics(ds.classes.size(), p.truth, p.predicted);
  std::printf("%s on %s (%zu images)\n%s", o.model.c_str(), o.data.c_str(), ds.size(),
              format_metrics(m, ds.classes).c_str());

  nlohmann::json j = metrics_to_json(m, ds.classes);
  j["classes"] = ds.classes;
  j["model"] = o.model;
  j["flip_average"] = flip_average;
  j["data"] = o.data;
  j["loss"] = p.mean_loss;
  j["images"] = ds.size();
  j["device"] = device.str() + (cnn::cuda_is_simulated() && device.is_cuda() ? " (SIMT)" : "");
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : ds.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped_files"] = skipped;
  if (!o.json.empty()) {
    // Written in place (not via a temp file) so that --json /dev/stdout works.
    std::ofstream out(o.json);
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out) {
      std::fprintf(stderr, "error: cannot write %s\n", o.json.c_str());
      return 1;
    }
    std::printf("wrote %s\n", o.json.c_str());
  }
  if (!o.out.empty()) {
    example_common::create_output_directory(o.out);
    const fs::path dir(o.out);
    example_common::write_json_file((dir / "metrics.json").string(), j);
    std::vector<GridItem> items;
    for (size_t i = 0; i < p.indices.size(); ++i) {
      items.push_back({ds.image(p.indices[i]), ds.width, ds.height, p.truth[i], p.predicted[i],
                       p.probability[i]});
    }
    const bool ok =
        write_confusion_png((dir / kConfusionPng).string(), m.confusion, ds.classes) &&
        write_prediction_grid((dir / kEvalGridPng).string(), items, ds.classes, 48, "Images") &&
        write_report_html((dir / "report.html").string(), j);
    if (!ok) {
      std::fprintf(stderr, "error: could not write the figures or report.html in %s\n",
                   o.out.c_str());
      return 1;
    }
    std::printf("wrote %s/{metrics.json, %s, %s, report.html}\n", o.out.c_str(), kConfusionPng,
                kEvalGridPng);
  }
  return 0;
}

}  // namespace mask_classifier
