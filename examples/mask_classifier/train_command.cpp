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
//   - Everything that can fail without the data is checked before the data set is decoded: flag
//     values (each bad one named), the --out directory, and a --resume checkpoint, which is loaded
//     into a network built from the flags and the checkpoint's class count.
//   - Validation averages each image with its mirror image when the run stores flip averaging
//     in the model (--flip-average), so val_accuracy is what `eval` reports for the model.
//   - A run that ends no better than always answering the validation set's majority class says
//     so and points to the recipe notes in README.md (the seed recipe can sit at ln 2 for epochs).
// Run directories, checkpoints, history, Ctrl-C, progress and figures are examples/common's.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "cnn/cnn.h"
#include "cnn/data/data_loader.h"
#include "cnn/data/image_folder.h"
#include "cnn/data/split.h"
#include "cnn/data/synthetic.h"
#include "cnn/models/model_cache.h"
#include "cnn/optim/lr_scheduler.h"
#include "commands.h"
#include "common/checkpoint.h"
#include "common/cli_checks.h"
#include "common/interrupt.h"
#include "common/progress.h"
#include "common/run_dir.h"
#include "evaluation.h"
#include "metrics.h"
#include "plots.h"
#include "report.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mask_classifier {
namespace {

using example_common::InterruptGuard;
using example_common::Progress;
using example_common::seconds_since;
using example_common::TrainingHistory;

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

// The warning of a run that learned nothing visible: its validation accuracy is no better than
// always answering the most common validation class (+1 point for rounding). Empty otherwise.
std::string majority_class_warning(const ClassificationMetrics& m,
                                   const std::vector<std::string>& classes) {
  int64_t total = 0, best = 0;
  size_t majority = 0;
  for (size_t c = 0; c < m.per_class.size(); ++c) {
    total += m.per_class[c].support;
    if (m.per_class[c].support > best) best = m.per_class[c].support, majority = c;
  }
  if (total == 0) return "";
  const double rate = static_cast<double>(best) / static_cast<double>(total);
  if (m.accuracy > rate + 0.01) return "";
  char buf[640];
  std::snprintf(buf, sizeof buf,
                "validation accuracy %.2f%% is no better than always answering '%s' (%.2f%% of "
                "the validation images): the network has not learned to tell the classes apart "
                "yet. The seed recipe (SGD lr 1e-3) can stay at this rate, with the loss near "
                "its starting value, for the first epochs; see \"Recipe notes\" in "
                "examples/mask_classifier/README.md (resume with more --epochs, or check the "
                "data).",
                100 * m.accuracy, classes[majority].c_str(), 100 * rate);
  return buf;
}

}  // namespace

int run_train(const TrainOptions& o) {
  o.network.validate();
  example_common::ValueChecks checks;
  checks.at_least("--epochs", o.epochs, 1);
  checks.at_least("--batch", o.batch, 1);
  checks.greater_than("--lr", o.lr, 0.0);
  checks.number_at_least("--momentum", o.momentum, 0.0);
  checks.half_open_interval("--shift", o.shift, 0, 0.5);
  checks.closed_interval("--low-resolution", o.low_resolution, 0.0, 1.0);
  checks.half_open_interval("--colour", o.colour, 0, 1);
  checks.require(o.schedule == "constant" || o.schedule == "warmup-cosine",
                 "--schedule must be constant or warmup-cosine, got '" + o.schedule + "'");
  checks.require(o.from_pretrained == "tiny-face" || o.from_pretrained == "none",
                 "--from-pretrained must be tiny-face or none, got '" + o.from_pretrained + "'");
  checks.throw_if_failed();
  const cnn::Device device = select_device(o.device);
  const cnn::data::ValidationSize val_size = cnn::data::ValidationSize::parse(o.val);
  example_common::check_output_directory(o.out);
  // The pretrained backbone is needed only for a new tiny-face run (a resumed one has weights).
  const bool pretrained =
      o.network.is_tiny_face() && o.from_pretrained == "tiny-face" && o.resume.empty();
  if (pretrained) {
    const std::string missing = cnn::models::face_api_models_missing();
    if (!missing.empty()) {
      throw InputError("--network tiny-face: " + missing +
                       " (or train it from scratch with --from-pretrained none)");
    }
  }

  NetworkSpec spec = o.network;
  cnn::Generator gen(o.seed);
  std::shared_ptr<cnn::nn::Module> model;
  std::unique_ptr<cnn::optim::Optimizer> optimizer;
  TrainingHistory history;
  int64_t first_epoch = 0;
  if (!o.resume.empty()) {
    // Before the data: the class count comes from the checkpoint's last layer.
    const example_common::CheckpointSummary checkpoint =
        example_common::inspect_checkpoint(o.resume);
    const std::vector<int64_t>* logits_bias = checkpoint.shape_of(spec.logits_bias_name());
    if (!logits_bias || logits_bias->size() != 1) {
      throw InputError("cannot resume from '" + o.resume + "': it has no tensor model." +
                       spec.logits_bias_name() +
                       ", so it is not a mask-classifier checkpoint of "
                       "a --network " +
                       spec.architecture + " run");
    }
    spec.classes = static_cast<int>((*logits_bias)[0]);
    spec.validate();
    model = build_network(spec, &gen);
    model->to(device);
    optimizer = make_optimizer(o, model->parameters());
    first_epoch = example_common::resume_from_checkpoint(
        o.resume, *model, *optimizer, &gen,
        "--network, --image-size, --channels, --hidden and --optimizer must be those of the run "
        "that wrote the checkpoint");
    history.load((fs::path(o.resume).parent_path() / example_common::kHistoryFile).string(),
                 first_epoch);
    std::fprintf(stderr, "resumed from %s after epoch %lld\n", o.resume.c_str(),
                 static_cast<long long>(first_epoch));
  }

  const cnn::data::ImageDataset ds = load_training_data(o);
  if (model && static_cast<size_t>(spec.classes) != ds.classes.size()) {
    throw InputError("cannot resume from '" + o.resume + "': its network has " +
                     std::to_string(spec.classes) + " classes, the data has " +
                     std::to_string(ds.classes.size()));
  }
  const size_t n_val = val_size.count_for(ds.size());
  const cnn::data::TrainValSplit split =
      cnn::data::split_train_val(ds.labels, ds.classes.size(), n_val, o.seed, /*stratified=*/true);

  if (!model) {
    spec.classes = static_cast<int>(ds.classes.size());  // the class count follows the data
    model = build_network(spec, &gen, pretrained ? cnn::models::face_api_model_dir() : "");
    model->to(device);
    optimizer = make_optimizer(o, model->parameters());
  }

  const fs::path run_dir(o.out);
  example_common::create_output_directory(o.out);
  std::fprintf(stderr,
               "recipe %s | network: %s%s, %s parameters | device: %s%s | train %zu, validation "
               "%zu | %s lr %g%s momentum %g, batch %d, %d epochs%s\n",
               o.recipe.c_str(), spec.describe().c_str(),
               pretrained ? " (backbone from face-api TinyFaceDetector)" : "",
               cnn::nn::format_count(model->num_parameters()).c_str(), device.str().c_str(),
               cnn::cuda_is_simulated() && device.is_cuda() ? " (SIMT)" : "", split.train.size(),
               split.val.size(), o.optimizer.c_str(), o.lr,
               o.schedule == "constant" ? "" : " warm-up + cosine", o.momentum, o.batch, o.epochs,
               o.augment ? ", augmentation on" : "");

  cnn::data::DataLoaderOptions lo;
  lo.batch_size = static_cast<size_t>(o.batch);
  lo.shuffle = true;
  lo.seed = o.seed;
  lo.augment = o.augment;
  lo.augment_options.max_shift = o.shift;
  lo.augment_options.low_resolution = o.low_resolution;
  lo.augment_options.colour = o.colour;
  lo.device = device;
  cnn::data::DataLoader train_loader(ds, split.train, lo);
  // Per step: warm-up over the first epoch, then cosine decay to 0 at the last step.
  std::unique_ptr<cnn::optim::LRScheduler> schedule;
  if (o.schedule == "warmup-cosine") {
    const int64_t per_epoch = static_cast<int64_t>(train_loader.num_batches());
    schedule = std::make_unique<cnn::optim::LinearWarmupLR>(
        *optimizer, per_epoch, 0.1f, per_epoch * std::max<int64_t>(o.epochs - 1, 1), 0.f);
    schedule->set_last_step(first_epoch * per_epoch);
  }

  // Ctrl-C is caught during the epochs only; afterwards the first one ends the program again.
  auto interrupt = std::make_unique<InterruptGuard>();
  Predictions last_val;
  bool have_val = false;
  for (int64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    model->train();
    train_loader.start_epoch(static_cast<uint64_t>(epoch));
    char label[64];
    std::snprintf(label, sizeof label, "epoch %lld/%d", static_cast<long long>(epoch + 1),
                  o.epochs);
    Progress bar(!o.quiet, label, train_loader.size());
    const auto t0 = std::chrono::steady_clock::now();
    double loss_sum = 0;
    size_t seen = 0, step = 0;
    cnn::data::Batch batch;
    while (train_loader.next(&batch)) {
      const cnn::Tensor logits = (*model)(batch.images);
      const cnn::Tensor loss = cnn::cross_entropy(logits, batch.labels);
      const float loss_value = loss.item();
      if (!std::isfinite(loss_value)) {
        bar.stop("stopped");
        std::fprintf(stderr,
                     "error: the training loss became %f at epoch %lld step %zu; stopping. The "
                     "weights were not updated with it; the last good checkpoint is %s. Try a "
                     "smaller --lr.\n",
                     loss_value, static_cast<long long>(epoch + 1), step + 1,
                     epoch > first_epoch || !o.resume.empty()
                         ? (run_dir / example_common::kCheckpointFile).string().c_str()
                         : "(none: no epoch finished)");
        return 1;
      }
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();
      if (schedule) schedule->step();
      ++step;
      seen += batch.labels.size();
      loss_sum += static_cast<double>(loss_value) * static_cast<double>(batch.labels.size());
      history.add_step(
          static_cast<double>(epoch) + static_cast<double>(step) / train_loader.num_batches(),
          loss_value);
      char extra[64];
      std::snprintf(extra, sizeof extra, "loss %.4f", loss_value);
      bar.update(seen, extra);
      if (InterruptGuard::requested()) break;
    }
    if (InterruptGuard::requested()) {
      bar.stop("interrupted");
      const std::string path =
          example_common::save_interrupted_checkpoint(o.out, *model, *optimizer, epoch, &gen);
      std::fprintf(stderr,
                   "interrupted during epoch %lld after %zu steps: saved %s (resuming from it "
                   "repeats epoch %lld with these weights); the last end-of-epoch checkpoint is "
                   "%s\n",
                   static_cast<long long>(epoch + 1), step, path.c_str(),
                   static_cast<long long>(epoch + 1),
                   (run_dir / example_common::kCheckpointFile).string().c_str());
      return 1;
    }
    const double train_seconds = seconds_since(t0);
    bar.finish();
    last_val = predict_dataset(*model, ds, split.val, lo.batch_size, device, "", o.flip_average);
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
    history.add_epoch({{"train_loss", train_loss},
                       {"val_loss", last_val.mean_loss},
                       {"val_accuracy", vm.accuracy},
                       {"seconds", seconds},
                       {"images_per_second", ips}});
    example_common::save_epoch_checkpoint(o.out, *model, *optimizer, epoch + 1, &gen, history);
  }
  interrupt.reset();
  if (!have_val) {  // resumed a finished run: evaluate once so the outputs exist
    last_val = predict_dataset(*model, ds, split.val, lo.batch_size, device, "", o.flip_average);
  }

  const ClassificationMetrics m =
      compute_metrics(ds.classes.size(), last_val.truth, last_val.predicted);
  std::printf("\n%s", format_metrics(m, ds.classes).c_str());
  save_model((run_dir / "model.safetensors").string(), *model, spec, ds.classes, o.flip_average);
  json warnings = json::array();
  const std::string majority = majority_class_warning(m, ds.classes);
  if (!majority.empty()) {
    std::printf("\nwarning: %s\n", majority.c_str());
    warnings.push_back(majority);
  }

  json j = metrics_to_json(m, ds.classes);
  j["classes"] = ds.classes;
  j["val_accuracy"] = m.accuracy;
  j["val_loss"] = last_val.mean_loss;
  j["epochs"] = history.epochs();
  json skipped = json::array();
  for (const cnn::data::SkippedFile& s : ds.skipped)
    skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped_files"] = skipped;
  j["warnings"] = warnings;
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
  // Floats as the decimals the user typed (0.001, not 0.0010000000474974513).
  j["recipe"] = {
      {"name", o.recipe},
      {"network", spec.architecture},
      {"from_pretrained", spec.is_tiny_face() ? json(o.from_pretrained) : json()},
      {"dropout",
       spec.is_tiny_face() ? json(example_common::shortest_decimal(spec.dropout)) : json()},
      {"image_size", spec.image_size},
      {"schedule", o.schedule},
      {"flip_average", o.flip_average},
      {"epochs", o.epochs},
      {"batch", o.batch},
      {"lr", example_common::shortest_decimal(o.lr)},
      {"momentum", example_common::shortest_decimal(o.momentum)},
      {"optimizer", o.optimizer},
      {"seed", o.seed},
      {"augment", o.augment},
      {"shift", o.augment ? json(example_common::shortest_decimal(o.shift)) : json()},
      {"low_resolution",
       o.augment ? json(example_common::shortest_decimal(o.low_resolution)) : json()},
      {"colour", o.augment ? json(example_common::shortest_decimal(o.colour)) : json()},
      {"val", o.val}};
  example_common::write_json_file((run_dir / "metrics.json").string(), j);

  std::vector<GridItem> items;
  for (size_t i = 0; i < last_val.indices.size(); ++i) {
    items.push_back({ds.image(last_val.indices[i]), ds.width, ds.height, last_val.truth[i],
                     last_val.predicted[i], last_val.probability[i]});
  }
  const bool figures_ok =
      write_training_curves((run_dir / kCurvesPng).string(), history.curves()) &&
      write_confusion_png((run_dir / kConfusionPng).string(), m.confusion, ds.classes) &&
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
