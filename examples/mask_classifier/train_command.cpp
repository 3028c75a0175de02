// `mask-classifier train`: the seed recipe end to end - data, split, network, SGD, per-epoch
// validation and checkpoints, then metrics, figures and report.html in the run directory.
//
// Choices that matter:
//   - Determinism: the split, the batch order of epoch e, augmentation and the initial weights all
//     derive from --seed, and the checkpoint holds weights, optimizer state, epoch and the RNG, so
//     --resume after epoch k gives the same final weights as an uninterrupted run.
//   - The loss is checked before backward(): a NaN/Inf stops training before it can reach the
//     weights, and the last checkpoint on disk stays the last good one.
//   - Ctrl-C sets a flag; the current step finishes and a checkpoint of the interrupted state is
//     written to interrupted.safetensors (a second Ctrl-C exits at once).
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cnn/cnn.h"
#include "cnn/data/data_loader.h"
#include "cnn/data/image_folder.h"
#include "cnn/data/progress_bar.h"
#include "cnn/data/split.h"
#include "cnn/data/synthetic.h"
#include "commands.h"
#include "evaluation.h"
#include "metrics.h"
#include "plots.h"
#include "report.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mask_classifier {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) {
  g_interrupted = 1;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C terminates immediately
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

cnn::data::ImageDataset load_training_data(const TrainOptions& o) {
  if (o.data.empty()) {
    std::fprintf(stderr, "data: built-in synthetic face-mask set, %zu images of %dx%d (seed 0)\n",
                 o.synthetic_count, o.network.image_size, o.network.image_size);
    return cnn::data::make_synthetic_dataset(o.synthetic_count, 0, o.network.image_size);
  }
  cnn::data::ImageFolderOptions fo;
  fo.width = fo.height = o.network.image_size;
  fo.strict = o.strict;
  fo.show_progress = !o.quiet;
  cnn::data::ImageDataset ds = cnn::data::load_image_folder(o.data, fo);
  std::fprintf(stderr, "data: %s, %zu images", o.data.c_str(), ds.size());
  const std::vector<size_t> counts = ds.class_counts();
  for (size_t c = 0; c < counts.size(); ++c) {
    std::fprintf(stderr, "%s %s %zu", c ? "," : " (", ds.classes[c].c_str(), counts[c]);
  }
  std::fprintf(stderr, ")\n");
  std::fputs(cnn::data::skip_summary(ds).c_str(), stderr);
  return ds;
}

std::unique_ptr<cnn::optim::Optimizer> make_optimizer(const TrainOptions& o,
                                                      std::vector<cnn::Tensor> params) {
  if (o.optimizer == "sgd") {
    cnn::optim::SgdOptions so;
    so.lr = o.lr;
    so.momentum = o.momentum;
    return std::make_unique<cnn::optim::SGD>(std::move(params), so);
  }
  if (o.optimizer == "adam") {
    cnn::optim::AdamOptions ao;
    ao.lr = o.lr;
    return std::make_unique<cnn::optim::Adam>(std::move(params), ao);
  }
  throw InputError("--optimizer must be sgd or adam, got '" + o.optimizer + "'");
}

// Per-epoch records and per-step losses; kept in RUN_DIR/history.json so a resumed run reports
// the epochs it did not run itself.
struct History {
  json epochs = json::array();
  TrainingCurves curves;

  json to_json() const {
    return {{"epochs", epochs}, {"step_epoch", curves.step_epoch}, {"step_loss", curves.step_loss}};
  }
  void load(const fs::path& file, int64_t completed_epochs) {
    std::ifstream in(file);
    if (!in) return;
    const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.contains("epochs")) return;
    for (const json& e : j["epochs"]) {
      if (static_cast<int64_t>(epochs.size()) < completed_epochs) epochs.push_back(e);
    }
    const auto se = j.value("step_epoch", std::vector<double>{});
    const auto sl = j.value("step_loss", std::vector<double>{});
    for (size_t i = 0; i < se.size() && i < sl.size(); ++i) {
      if (se[i] <= static_cast<double>(completed_epochs)) {
        curves.step_epoch.push_back(se[i]);
        curves.step_loss.push_back(sl[i]);
      }
    }
    for (size_t e = 0; e < epochs.size(); ++e) {
      curves.epoch.push_back(static_cast<double>(e + 1));
      curves.train_loss.push_back(epochs[e].value("train_loss", NAN));
      curves.val_loss.push_back(epochs[e].value("val_loss", NAN));
      curves.val_accuracy.push_back(epochs[e].value("val_accuracy", NAN));
    }
  }
};

void write_json(const fs::path& path, const json& j) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

}  // namespace

int run_train(const TrainOptions& o) {
  o.network.validate();
  if (o.epochs < 1 || o.batch < 1 || !(o.lr > 0) || o.momentum < 0) {
    throw InputError("--epochs and --batch must be >= 1, --lr > 0 and --momentum >= 0");
  }
  const cnn::Device device = select_device(o.device);
  const cnn::data::ValidationSize val_size = cnn::data::ValidationSize::parse(o.val);

  const cnn::data::ImageDataset ds = load_training_data(o);
  NetworkSpec spec = o.network;
  spec.classes = static_cast<int>(ds.classes.size());  // the class count follows the data
  const size_t n_val = val_size.count_for(ds.size());
  const cnn::data::TrainValSplit split =
      cnn::data::split_train_val(ds.labels, ds.classes.size(), n_val, o.seed, /*stratified=*/true);

  cnn::Generator gen(o.seed);
  std::shared_ptr<cnn::nn::Sequential> model = build_network(spec, &gen);
  model->to(device);
  std::unique_ptr<cnn::optim::Optimizer> optimizer = make_optimizer(o, model->parameters());

  const fs::path run_dir(o.out);
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) throw InputError("cannot create run directory '" + o.out + "': " + ec.message());

  History history;
  int64_t first_epoch = 0;
  if (!o.resume.empty()) {
    try {
      first_epoch = cnn::serialize::load_checkpoint(o.resume, *model, *optimizer, &gen).epoch;
    } catch (const cnn::Error& e) {
      throw InputError(std::string("cannot resume: ") + e.what());
    }
    history.load(fs::path(o.resume).parent_path() / "history.json", first_epoch);
    std::fprintf(stderr, "resumed from %s after epoch %lld\n", o.resume.c_str(),
                 static_cast<long long>(first_epoch));
  }
  std::fprintf(stderr,
               "network: %s, %s parameters | device: %s%s | train %zu, validation %zu | %s lr %g "
               "momentum %g, batch %d, %d epochs%s\n",
               spec.describe().c_str(), cnn::nn::format_count(model->num_parameters()).c_str(),
               device.str().c_str(), cnn::cuda_is_simulated() && device.is_cuda() ? " (SIMT)" : "",
               split.train.size(), split.val.size(), o.optimizer.c_str(), o.lr, o.momentum, o.batch,
               o.epochs, o.augment ? ", augmentation on" : "");

  cnn::data::DataLoaderOptions lo;
  lo.batch_size = static_cast<size_t>(o.batch);
  lo.shuffle = true;
  lo.seed = o.seed;
  lo.augment = o.augment;
  lo.device = device;
  cnn::data::DataLoader train_loader(ds, split.train, lo);

  g_interrupted = 0;
  std::signal(SIGINT, on_sigint);
  Predictions last_val;
  bool have_val = false;
  for (int64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    model->train();
    train_loader.start_epoch(static_cast<uint64_t>(epoch));
    char label[64];
    std::snprintf(label, sizeof label, "epoch %lld/%d", static_cast<long long>(epoch + 1),
                  o.epochs);
    std::unique_ptr<cnn::data::ProgressBar> bar;
    if (!o.quiet) bar = std::make_unique<cnn::data::ProgressBar>(label, train_loader.size());
    const auto t0 = std::chrono::steady_clock::now();
    double loss_sum = 0;
    size_t seen = 0, step = 0;
    cnn::data::Batch batch;
    while (train_loader.next(&batch)) {
      const cnn::Tensor logits = (*model)(batch.images);
      const cnn::Tensor loss = cnn::cross_entropy(logits, batch.labels);
      const float loss_value = loss.item();
      if (!std::isfinite(loss_value)) {
        if (bar) bar->stop("stopped");
        std::fprintf(stderr,
                     "error: the training loss became %f at epoch %lld step %zu; stopping. The "
                     "weights were not updated with it; the last good checkpoint is %s. Try a "
                     "smaller --lr.\n",
                     loss_value, static_cast<long long>(epoch + 1), step + 1,
                     epoch > first_epoch || !o.resume.empty()
                         ? (run_dir / "checkpoint.safetensors").string().c_str()
                         : "(none: no epoch finished)");
        return 1;
      }
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();
      ++step;
      seen += batch.labels.size();
      loss_sum += static_cast<double>(loss_value) * static_cast<double>(batch.labels.size());
      history.curves.step_epoch.push_back(static_cast<double>(epoch) +
                                          static_cast<double>(step) / train_loader.num_batches());
      history.curves.step_loss.push_back(loss_value);
      if (bar) {
        char extra[64];
        std::snprintf(extra, sizeof extra, "loss %.4f", loss_value);
        bar->update(seen, extra);
      }
      if (g_interrupted) break;
    }
    if (g_interrupted) {
      if (bar) bar->stop("interrupted");
      const fs::path path = run_dir / "interrupted.safetensors";
      cnn::serialize::save_checkpoint(path.string(), *model, *optimizer,
                                      cnn::serialize::TrainingState{epoch}, &gen);
      std::fprintf(stderr,
                   "interrupted during epoch %lld after %zu steps: saved %s (resuming from it "
                   "repeats epoch %lld with these weights); the last end-of-epoch checkpoint is "
                   "%s\n",
                   static_cast<long long>(epoch + 1), step, path.string().c_str(),
                   static_cast<long long>(epoch + 1),
                   (run_dir / "checkpoint.safetensors").string().c_str());
      return 1;
    }
    const double train_seconds = seconds_since(t0);
    if (bar) bar->finish();
    last_val = predict_dataset(*model, ds, split.val, lo.batch_size, device);
    have_val = true;
    const double seconds = seconds_since(t0);
    const ClassificationMetrics vm =
        compute_metrics(ds.classes.size(), last_val.truth, last_val.predicted);
    const double train_loss = seen ? loss_sum / static_cast<double>(seen) : NAN;
    const double ips = train_seconds > 0 ? static_cast<double>(seen) / train_seconds : 0.0;
    std::printf(
        "epoch %lld/%d  train loss %.4f  val loss %.4f  val accuracy %.2f%%  %.1f s  %.1f img/s\n",
        static_cast<long long>(epoch + 1), o.epochs, train_loss, last_val.mean_loss,
        100 * vm.accuracy, seconds, ips);
    std::fflush(stdout);
    history.epochs.push_back({{"train_loss", train_loss},
                              {"val_loss", last_val.mean_loss},
                              {"val_accuracy", vm.accuracy},
                              {"seconds", seconds},
                              {"images_per_second", ips}});
    history.curves.epoch.push_back(static_cast<double>(epoch + 1));
    history.curves.train_loss.push_back(train_loss);
    history.curves.val_loss.push_back(last_val.mean_loss);
    history.curves.val_accuracy.push_back(vm.accuracy);
    cnn::serialize::save_checkpoint((run_dir / "checkpoint.safetensors").string(), *model,
                                    *optimizer, cnn::serialize::TrainingState{epoch + 1}, &gen);
    write_json(run_dir / "history.json", history.to_json());
  }
  std::signal(SIGINT, SIG_DFL);
  if (!have_val) {  // resumed a finished run: evaluate once so the outputs exist
    last_val = predict_dataset(*model, ds, split.val, lo.batch_size, device);
  }

  const ClassificationMetrics m =
      compute_metrics(ds.classes.size(), last_val.truth, last_val.predicted);
  std::printf("\n%s", format_metrics(m, ds.classes).c_str());
  save_model((run_dir / "model.safetensors").string(), *model, spec, ds.classes);

  json j = metrics_to_json(m, ds.classes);
  j["classes"] = ds.classes;
  j["val_accuracy"] = m.accuracy;
  j["val_loss"] = last_val.mean_loss;
  j["epochs"] = history.epochs;
  json skipped = json::array();
  for (const cnn::data::SkippedFile& s : ds.skipped)
    skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped_files"] = skipped;
  j["data"] = o.data.empty()
                  ? "synthetic (built-in, " + std::to_string(o.synthetic_count) + " images)"
                  : o.data;
  j["device"] = device.str() + (cnn::cuda_is_simulated() && device.is_cuda() ? " (SIMT)" : "");
  j["network"] = spec.describe();
  j["parameters"] = model->num_parameters();
  j["train_size"] = split.train.size();
  j["val_size"] = split.val.size();
  if (!o.data.empty()) {
    // The validation files, relative to --data, so another program (bench/pytorch_compare.py
    // --split) can evaluate on exactly the same images; the training set is every other file.
    json val_files = json::array();
    for (size_t i : split.val)
      val_files.push_back(fs::path(ds.paths[i]).lexically_relative(o.data).generic_string());
    j["val_files"] = val_files;
  }
  j["recipe"] = {{"epochs", o.epochs},
                 {"batch", o.batch},
                 {"lr", o.lr},
                 {"momentum", o.momentum},
                 {"optimizer", o.optimizer},
                 {"seed", o.seed},
                 {"augment", o.augment},
                 {"val", o.val}};
  write_json(run_dir / "metrics.json", j);

  std::vector<GridItem> items;
  for (size_t i = 0; i < last_val.indices.size(); ++i) {
    items.push_back({ds.image(last_val.indices[i]), ds.width, ds.height, last_val.truth[i],
                     last_val.predicted[i], last_val.probability[i]});
  }
  const bool figures_ok = write_training_curves((run_dir / kCurvesPng).string(), history.curves) &&
                          write_confusion_png((run_dir / kConfusionPng).string(), m, ds.classes) &&
                          write_prediction_grid((run_dir / kGridPng).string(), items, ds.classes) &&
                          write_report_html((run_dir / "report.html").string(), j);
  if (!figures_ok) {
    std::fprintf(stderr, "error: could not write the figures or report.html in %s\n",
                 o.out.c_str());
    return 1;
  }
  std::printf(
      "\nwrote %s/{model.safetensors, checkpoint.safetensors, metrics.json, %s, %s, %s, "
      "report.html}\n",
      o.out.c_str(), kCurvesPng, kConfusionPng, kGridPng);
  return 0;
}

}  // namespace mask_classifier
