// `mask-classifier eval`: a trained model on any ImageFolder (cross-dataset evaluation). The
// folder's class names are matched to the model's by name, so a folder may list them in any order
// or hold a subset of the classes.
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cnn/data/image_folder.h"
#include "cnn/nn/sequential.h"
#include "commands.h"
#include "evaluation.h"
#include "metrics.h"

namespace mask_classifier {

int run_eval(const EvalOptions& o) {
  if (o.batch < 1) throw InputError("--batch must be >= 1");
  const cnn::Device device = select_device(o.device);
  LoadedModel model = load_model(o.model);
  model.network->to(device);

  cnn::data::ImageFolderOptions fo;
  fo.width = fo.height = model.spec.image_size;
  fo.strict = o.strict;
  fo.show_progress = !o.quiet;
  cnn::data::ImageDataset ds = cnn::data::load_image_folder(o.data, fo);
  std::fputs(cnn::data::skip_summary(ds).c_str(), stderr);

  // Folder class index -> model class index.
  std::vector<int32_t> to_model;
  for (const std::string& name : ds.classes) {
    const auto it = std::find(model.classes.begin(), model.classes.end(), name);
    if (it == model.classes.end()) {
      std::string known;
      for (const std::string& c : model.classes) known += (known.empty() ? "" : ", ") + c;
      throw InputError("class folder '" + name + "' in " + o.data +
                       " is not a class of the model (" + known + ")");
    }
    to_model.push_back(static_cast<int32_t>(it - model.classes.begin()));
  }
  for (int32_t& label : ds.labels) label = to_model[static_cast<size_t>(label)];
  ds.classes = model.classes;

  std::vector<size_t> all(ds.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const Predictions p =
      predict_dataset(*model.network, ds, all, static_cast<size_t>(o.batch), device);
  const ClassificationMetrics m = compute_metrics(ds.classes.size(), p.truth, p.predicted);
  std::printf("%s on %s (%zu images)\n%s", o.model.c_str(), o.data.c_str(), ds.size(),
              format_metrics(m, ds.classes).c_str());

  nlohmann::json j = metrics_to_json(m, ds.classes);
  j["classes"] = ds.classes;
  j["model"] = o.model;
  j["data"] = o.data;
  j["loss"] = p.mean_loss;
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : ds.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped_files"] = skipped;
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    out << j.dump(2) << '\n';
    if (!out) {
      std::fprintf(stderr, "error: cannot write %s\n", o.json.c_str());
      return 1;
    }
    std::printf("wrote %s\n", o.json.c_str());
  }
  return 0;
}

}  // namespace mask_classifier
