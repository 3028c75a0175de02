// `mask-detector train`: fine-tunes TinyFace-FPN (network.h) on a detection folder or on the
// built-in synthetic scenes - anchors from the data, augmented letterboxed batches, YOLO targets
// and loss, Adam with warm-up and cosine decay, per-epoch validation mAP and checkpoints, then
// metrics, figures and report.html in the run directory.
//
// Choices that matter:
//   - Anchors come from k-means on the training boxes as the network sees them (letterboxed to
//     --image-size), so they follow the data set's face sizes; they are saved in the model file.
//   - Validation uses the folder's splits/val.txt when it has one (facemask-detect does) and
//     never the test split: `eval --split test` reports that once per recipe. A folder without
//     splits gets a seeded 10% validation split.
//   - Frozen backbone layers (--freeze) keep face-api's low-level filters and save their weight
//     gradients; the first layers run at 414x414 and 207x207 and are most of a step's time.
//   - Determinism, checkpoints, resume, Ctrl-C and the NaN check are mask-classifier's
//     (examples/common): --resume after epoch k continues the same schedule.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cnn/cnn.h"
#include "cnn/data/detection_loader.h"
#include "cnn/data/rng.h"
#include "cnn/data/synthetic_scenes.h"
#include "cnn/detect/loss.h"
#include "cnn/models/model_cache.h"
#include "cnn/optim/lr_scheduler.h"
#include "commands.h"
#include "common/checkpoint.h"
#include "common/cli_checks.h"
#include "common/device_choice.h"
#include "common/interrupt.h"
#include "common/plots.h"
#include "common/progress.h"
#include "common/report.h"
#include "common/run_dir.h"
#include "inference.h"
#include "network.h"
#include "report.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mask_detector {
namespace {

using example_common::InterruptGuard;
using example_common::Progress;
using example_common::seconds_since;
using example_common::TrainingHistory;

constexpr float kNegativeWeight = 0.3f;
constexpr float kBoxGain = 5.f;
constexpr float kClassGain = 2.f;
// YOLOv5's assignment (each face also trains the two neighbouring cells nearest its centre,
// with the wider centre range xy_scale 2) is available in cnn/detect but off: on the validation
// split it gave mAP@0.5 0.337 against 0.361 without (docs/benchmarks.md).
constexpr float kXyScale = 1.f;
constexpr bool kNeighbourCells = false;

// The recipe's defaults where a flag was left at 0/-1.
int default_epochs(const TrainOptions& o) {
  return o.data.empty() ? 8 : 30;
}
// Validation, eval, detect and video run at 4/3 of the training size, rounded down to a
// multiple of 32 (416 -> 544): faces under 12 px are half of facemask-detect's unmasked
// validation faces, and the larger input finds more of them (validation split, measured in
// docs/benchmarks.md) while detect's rectangular input keeps 640x480 frames above 20 frames/s.
int default_inference_size(const TrainOptions& o) {
  if (o.inference_size > 0) return o.inference_size;
  return std::max(32, o.image_size * 4 / 3 / 32 * 32);
}
int default_freeze(const TrainOptions& o) {
  return o.from_pretrained == "none" ? 0 : 2;
}

struct TrainData {
  cnn::data::DetectionDataset train, val;
  std::string description;
  std::string val_source;
};

cnn::data::DetectionDataset subset(const cnn::data::DetectionDataset& ds,
                                   const std::vector<size_t>& indices) {
  cnn::data::DetectionDataset out;
  out.classes = ds.classes;
  for (size_t i : indices) out.samples.push_back(ds.samples[i]);
  return out;
}

TrainData load_training_data(const TrainOptions& o) {
  TrainData d;
  if (o.data.empty()) {
    const cnn::data::DetectionDataset all = cnn::data::make_synthetic_scenes(o.synthetic_count, 0);
    const size_t n_val = std::min(kDefaultSyntheticVal, all.size() / 5);
    std::vector<size_t> train, val;
    for (size_t i = 0; i < all.size(); ++i) (i < all.size() - n_val ? train : val).push_back(i);
    d.train = subset(all, train);
    d.val = subset(all, val);
    d.description = "synthetic (built-in, " + std::to_string(o.synthetic_count) + " scenes)";
    d.val_source = "last " + std::to_string(n_val) + " synthetic scenes";
    std::fprintf(stderr, "data: built-in synthetic scenes, %zu train + %zu validation (seed 0)\n",
                 d.train.size(), d.val.size());
    return d;
  }
  cnn::data::DetectionFolderOptions fo;
  fo.classes = cnn::data::face_mask_classes();
  fo.strict = o.strict;
  fo.show_progress = !o.quiet;
  fo.keep_pixels = true;  // decoded once: ~0.3 GB for facemask-detect, no JPEG decode per epoch
  d.description = o.data;
  if (fs::exists(fs::path(o.data) / "splits" / "train.txt") &&
      fs::exists(fs::path(o.data) / "splits" / "val.txt")) {
    fo.split = "train";
    d.train = cnn::data::load_detection_folder(o.data, fo);
    fo.split = "val";
    d.val = cnn::data::load_detection_folder(o.data, fo);
    d.val_source = "splits/val.txt";
  } else {
    const cnn::data::DetectionDataset all = cnn::data::load_detection_folder(o.data, fo);
    std::vector<size_t> order(all.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    cnn::data::Rng rng(o.seed, 0x5917);
    for (size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[static_cast<size_t>(rng.below(i))]);
    const size_t n_val = std::max<size_t>(1, all.size() / 10);
    std::vector<size_t> val(order.begin(), order.begin() + static_cast<long>(n_val));
    std::vector<size_t> train(order.begin() + static_cast<long>(n_val), order.end());
    std::sort(val.begin(), val.end());
    std::sort(train.begin(), train.end());
    if (train.empty())
      throw InputError("--data '" + o.data + "' has too few usable images to train");
    d.train = subset(all, train);
    d.val = subset(all, val);
    d.train.skipped = all.skipped;
    d.val_source = "seeded 10% of the folder (no splits/train.txt and val.txt)";
  }
  for (const auto* part : {&d.train, &d.val}) {
    const std::vector<size_t> counts = part->box_counts();
    std::fprintf(stderr, "data: %s %s, %zu images, %zu boxes", o.data.c_str(),
                 part == &d.train ? "train" : "validation", part->size(), part->num_boxes());
    for (size_t c = 0; c < counts.size(); ++c)
      std::fprintf(stderr, "%s %s %zu", c ? "," : " (", part->classes[c].c_str(), counts[c]);
    std::fprintf(stderr, ")\n");
    std::fputs(cnn::data::skip_summary(*part).c_str(), stderr);
  }
  return d;
}

// Box sizes as the network sees them: letterboxed to image_size.
std::vector<cnn::detect::BoxSize> input_box_sizes(const cnn::data::DetectionDataset& ds,
                                                  int image_size) {
  std::vector<cnn::detect::BoxSize> sizes;
  for (const cnn::data::DetectionSample& s : ds.samples) {
    const cnn::detect::Letterbox lb = cnn::detect::Letterbox::fit(s.width, s.height, image_size);
    for (const cnn::data::AnnotatedBox& b : s.boxes)
      sizes.push_back({b.box.width() * lb.scale_x, b.box.height() * lb.scale_y});
  }
  return sizes;
}

// Class-loss weight of each label's positives: sqrt(most common count / count), at most 5, so the
// rare classes (facemask-detect: 2498 with_mask, 542 without_mask, 98 mask_weared_incorrect
// training boxes) are not simply voted down by the common one. A label without boxes gets 1.
std::vector<float> class_weights(const cnn::data::DetectionDataset& train) {
  const std::vector<size_t> counts = train.box_counts();
  size_t most = 0;
  for (size_t c : counts) most = std::max(most, c);
  std::vector<float> w;
  for (size_t c : counts)
    w.push_back(c == 0 ? 1.f
                       : std::min(5.f, static_cast<float>(std::sqrt(double(most) / double(c)))));
  return w;
}

std::vector<std::vector<cnn::detect::GroundTruth>> ground_truths(
    const std::vector<std::vector<cnn::data::AnnotatedBox>>& boxes) {
  std::vector<std::vector<cnn::detect::GroundTruth>> out(boxes.size());
  for (size_t n = 0; n < boxes.size(); ++n)
    for (const cnn::data::AnnotatedBox& b : boxes[n])
      out[n].push_back({b.box, b.label, b.difficult});
  return out;
}

}  // namespace

int run_train(const TrainOptions& options) {
  TrainOptions o = options;
  example_common::ValueChecks checks;
  checks.at_least("--epochs", o.epochs, 0);
  checks.at_least("--batch", o.batch, 1);
  checks.greater_than("--lr", o.lr, 0.0);
  checks.at_least("--freeze", o.freeze, -1);
  checks.require(o.freeze <= 5,
                 "--freeze must be at most 5 (conv0 .. conv4), got " + std::to_string(o.freeze));
  check_input_size_flag(checks, "--image-size", o.image_size, /*zero_means_default=*/false);
  check_input_size_flag(checks, "--inference-size", o.inference_size,
                        /*zero_means_default=*/true);
  checks.require(o.from_pretrained == "tiny-face" || o.from_pretrained == "none",
                 "--from-pretrained must be tiny-face or none, got '" + o.from_pretrained + "'");
  checks.require(o.data.empty() || o.synthetic_count == kDefaultSyntheticCount,
                 "--synthetic-count applies only without --data");
  checks.require(o.synthetic_count >= 10,
                 "--synthetic-count must be at least 10, got " + std::to_string(o.synthetic_count));
  checks.throw_if_failed();
  if (o.epochs == 0) o.epochs = default_epochs(o);
  if (o.freeze < 0) o.freeze = default_freeze(o);
  const cnn::Device device = example_common::select_device(o.device);
  example_common::check_output_directory(o.out);
  if (o.from_pretrained == "tiny-face") {
    const std::string missing = cnn::models::face_api_models_missing();
    if (!missing.empty()) {
      throw InputError("--from-pretrained tiny-face: " + missing +
                       " (or train from scratch with --from-pretrained none)");
    }
  }
  std::unique_ptr<example_common::CheckpointSummary> checkpoint;
  if (!o.resume.empty()) {
    checkpoint = std::make_unique<example_common::CheckpointSummary>(
        example_common::inspect_checkpoint(o.resume));
    if (!checkpoint->shape_of("conv0.weight") || !checkpoint->shape_of("fpn8.out.weight")) {
      throw InputError("cannot resume from '" + o.resume +
                       "': it has no conv0/fpn8 tensors, so it is not a mask-detector checkpoint");
    }
  }

  TrainData data = load_training_data(o);
  DetectorSpec spec;
  spec.image_size = o.image_size;
  spec.classes = data.train.classes;
  spec.xy_scale = kXyScale;
  spec.inference_size = default_inference_size(o);
  if (checkpoint) {
    // The anchors of a resumed run are those of the run that wrote the checkpoint.
    const fs::path anchors_file = fs::path(o.resume).parent_path() / "anchors.json";
    if (!fs::exists(anchors_file)) {
      throw InputError("cannot resume from '" + o.resume + "': " + anchors_file.string() +
                       " (the run's anchors) is missing");
    }
    spec.anchors = read_anchors_file(anchors_file.string());
  } else {
    spec.anchors = anchors_for_levels(input_box_sizes(data.train, o.image_size), o.seed);
  }
  spec.validate();

  cnn::Generator gen(o.seed);
  auto model = std::make_shared<MaskDetectorNet>(spec, &gen);
  if (o.from_pretrained == "tiny-face")
    model->load_pretrained_backbone(cnn::models::face_api_model_dir());
  model->to(device);
  // Frozen layers: no gradient, not in the optimizer.
  const std::vector<cnn::Tensor> frozen = model->backbone_parameters(o.freeze - 1);
  std::vector<cnn::Tensor> trainable;
  for (const cnn::Tensor& p : model->parameters()) {
    bool is_frozen = false;
    for (const cnn::Tensor& f : frozen) is_frozen = is_frozen || f.data() == p.data();
    if (is_frozen) {
      cnn::Tensor handle = p;
      handle.set_requires_grad(false);
    } else {
      trainable.push_back(p);
    }
  }
  cnn::optim::AdamOptions ao;
  ao.lr = o.lr;
  ao.weight_decay = 5e-4f;
  ao.decoupled_weight_decay = true;
  cnn::optim::Adam optimizer(trainable, ao);

  cnn::data::DetectionLoaderOptions lo;
  lo.batch_size = static_cast<size_t>(o.batch);
  lo.shuffle = true;
  lo.drop_last = data.train.size() > static_cast<size_t>(o.batch);
  lo.seed = o.seed;
  lo.image_size = o.image_size;
  lo.augment = o.augment;
  lo.device = device;
  std::vector<size_t> train_indices(data.train.size());
  for (size_t i = 0; i < train_indices.size(); ++i) train_indices[i] = i;
  std::vector<size_t> val_indices(data.val.size());
  for (size_t i = 0; i < val_indices.size(); ++i) val_indices[i] = i;
  cnn::data::DetectionLoader loader(data.train, train_indices, lo);
  const int64_t steps_per_epoch = static_cast<int64_t>(loader.num_batches());
  const int64_t total_steps = steps_per_epoch * o.epochs;
  const int64_t warmup = std::min<int64_t>(100, std::max<int64_t>(1, total_steps / 10));
  cnn::optim::LinearWarmupLR schedule(optimizer, warmup, 0.1f, total_steps - warmup, o.lr * 0.02f);

  TrainingHistory history("val_map50", "Validation mAP@0.5 (%)");
  int64_t first_epoch = 0;
  if (checkpoint) {
    first_epoch = example_common::resume_from_checkpoint(
        o.resume, *model, optimizer, &gen,
        "--image-size must be that of the run that wrote the checkpoint");
    history.load((fs::path(o.resume).parent_path() / example_common::kHistoryFile).string(),
                 first_epoch);
    schedule.set_last_step(first_epoch * steps_per_epoch);
    std::fprintf(stderr, "resumed from %s after epoch %lld\n", o.resume.c_str(),
                 static_cast<long long>(first_epoch));
  }

  const fs::path run_dir(o.out);
  example_common::create_output_directory(o.out);
  write_anchors_file((run_dir / "anchors.json").string(), spec.anchors);
  std::fprintf(stderr,
               "network: %s, %s parameters (%s trained; conv0..conv%d frozen) | device: %s | "
               "train %zu, validation %zu | Adam lr %g, batch %d, %d epochs%s%s\n",
               spec.describe().c_str(), cnn::nn::format_count(model->num_parameters()).c_str(),
               cnn::nn::format_count([&] {
                 int64_t n = 0;
                 for (const auto& p : trainable) n += p.numel();
                 return n;
               }())
                   .c_str(),
               o.freeze - 1, example_common::describe_device(device).c_str(), data.train.size(),
               data.val.size(), o.lr, o.batch, o.epochs, o.augment ? ", augmentation on" : "",
               o.from_pretrained == "tiny-face" ? ", backbone from face-api TinyFaceDetector" : "");

  cnn::detect::TargetOptions to;
  to.extra_anchor_iou = 0.5f;
  to.neighbour_cells = kNeighbourCells;
  // ~10,600 anchors per 416 px image against a handful of faces: with full weight the
  // negatives' objectness gradient dominates Adam's second moment and box and class learning
  // crawl (measured: box loss flat over 3 epochs). YOLOv1's lambda_noobj, stronger.
  to.negative_weight = kNegativeWeight;
  to.class_weights = class_weights(data.train);
  const cnn::detect::YoloConfig yolo = spec.yolo_config();
  cnn::detect::YoloLossOptions loss_options;
  loss_options.box_gain = kBoxGain;
  loss_options.class_gain = kClassGain;

  auto interrupt = std::make_unique<InterruptGuard>();
  DatasetDetections last_val;
  bool have_val = false;
  for (int64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    model->train();
    loader.start_epoch(static_cast<uint64_t>(epoch));
    char label[64];
    std::snprintf(label, sizeof label, "epoch %lld/%d", static_cast<long long>(epoch + 1),
                  o.epochs);
    Progress bar(!o.quiet, label, loader.size());
    const auto t0 = std::chrono::steady_clock::now();
    double loss_sum = 0, box_sum = 0, obj_sum = 0, cls_sum = 0;
    size_t seen = 0, step = 0;
    cnn::data::DetectionBatch batch;
    while (loader.next(&batch)) {
      const std::vector<cnn::Tensor> outputs = model->forward_levels(batch.images);
      const std::vector<cnn::detect::YoloTargets> targets =
          cnn::detect::yolo_build_targets(outputs, ground_truths(batch.boxes), yolo, to);
      const cnn::detect::YoloLossParts loss =
          cnn::detect::yolo_loss(outputs, targets, loss_options);
      const float loss_value = loss.total.item();
      if (!std::isfinite(loss_value)) {
        bar.stop("stopped");
        std::fprintf(stderr,
                     "error: the training loss became %f at epoch %lld step %zu; stopping. The "
                     "weights were not updated with it; the last good checkpoint is %s. Try a "
                     "smaller --lr.\n",
                     loss_value, static_cast<long long>(epoch + 1), step + 1,
                     epoch > 0 ? (run_dir / example_common::kCheckpointFile).string().c_str()
                               : "(none: no epoch finished)");
        return 1;
      }
      optimizer.zero_grad();
      loss.total.backward();
      optimizer.step();
      schedule.step();
      ++step;
      const size_t b = batch.boxes.size();
      seen += b;
      loss_sum += double(loss_value) * double(b);
      box_sum += double(loss.box.item()) * double(b);
      obj_sum += double(loss.objectness.item()) * double(b);
      cls_sum += double(loss.classification.item()) * double(b);
      history.add_step(double(epoch) + double(step) / double(steps_per_epoch), loss_value);
      char extra[96];
      std::snprintf(extra, sizeof extra, "loss %.3f (box %.3f obj %.3f cls %.3f)", loss_value,
                    loss.box.item(), loss.objectness.item(), loss.classification.item());
      bar.update(seen, extra);
      if (InterruptGuard::requested()) break;
    }
    if (InterruptGuard::requested()) {
      bar.stop("interrupted");
      const std::string path =
          example_common::save_interrupted_checkpoint(o.out, *model, optimizer, epoch, &gen);
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
    last_val = detect_dataset(*model, data.val, val_indices, lo.batch_size, device, 0.5f,
                              o.quiet ? "" : "validation");
    have_val = true;
    const double seconds = seconds_since(t0);
    const double n = seen ? double(seen) : NAN;
    const double ips = train_seconds > 0 ? double(seen) / train_seconds : 0.0;
    std::printf(
        "epoch %lld/%d  loss %.4f (box %.4f obj %.4f cls %.4f)  val mAP@0.5 %.3f  "
        "mAP@[.5:.95] %.3f  %.0f s  %.1f img/s\n",
        static_cast<long long>(epoch + 1), o.epochs, loss_sum / n, box_sum / n, obj_sum / n,
        cls_sum / n, last_val.metrics.map50, last_val.metrics.map50_95, seconds, ips);
    std::fflush(stdout);
    json record = {
        {"train_loss", loss_sum / n},
        {"train_box_loss", box_sum / n},
        {"train_objectness_loss", obj_sum / n},
        {"train_class_loss", cls_sum / n},
        {"val_map50",
         std::isfinite(last_val.metrics.map50) ? json(last_val.metrics.map50) : json(nullptr)},
        {"val_map50_95", std::isfinite(last_val.metrics.map50_95) ? json(last_val.metrics.map50_95)
                                                                  : json(nullptr)},
        {"lr", example_common::shortest_decimal(optimizer.lr())},
        {"seconds", seconds},
        {"images_per_second", ips}};
    history.add_epoch(record);
    example_common::save_epoch_checkpoint(o.out, *model, optimizer, epoch + 1, &gen, history);
  }
  interrupt.reset();
  if (!have_val) {
    last_val = detect_dataset(*model, data.val, val_indices, lo.batch_size, device, 0.5f,
                              o.quiet ? "" : "validation");
  }

  std::printf("\nvalidation (%s):\n%s", data.val_source.c_str(),
              format_metrics(last_val.metrics, spec.classes).c_str());
  save_model((run_dir / "model.safetensors").string(), *model);

  json warnings = json::array();
  if (!(last_val.metrics.map50 >= 0.05)) {
    const std::string w =
        "validation mAP@0.5 is " + example_common::fixed(last_val.metrics.map50, 3) +
        ": the detector has not learned to find faces yet. Train longer (--epochs), check the "
        "data, or see \"Recipe\" in examples/mask_detector/README.md.";
    std::printf("\nwarning: %s\n", w.c_str());
    warnings.push_back(w);
  }
  json j;
  j["metrics"] = metrics_to_json(last_val.metrics, spec.classes);
  j["classes"] = spec.classes;
  j["split"] = data.val_source;
  j["data"] = data.description;
  j["device"] = example_common::describe_device(device);
  j["network"] = spec.describe();
  j["parameters"] = model->num_parameters();
  j["train_size"] = data.train.size();
  j["val_size"] = data.val.size();
  j["epochs"] = history.epochs();
  j["warnings"] = warnings;
  json skipped = json::array();
  for (const cnn::data::SkippedFile& s : data.train.skipped)
    skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  for (const cnn::data::SkippedFile& s : data.val.skipped)
    skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped_files"] = skipped;
  j["anchors"] = anchors_to_json(spec.anchors);
  j["recipe"] = {{"epochs", o.epochs},
                 {"batch", o.batch},
                 {"image_size", o.image_size},
                 {"inference_size", spec.detect_size()},
                 {"lr", example_common::shortest_decimal(o.lr)},
                 {"optimizer", "adamw (weight decay 5e-4), warm-up + cosine"},
                 {"from_pretrained", o.from_pretrained},
                 {"freeze", o.freeze},
                 {"class_weights",
                  [&] {
                    json w = json::array();
                    for (float v : to.class_weights)
                      w.push_back(example_common::shortest_decimal(v));
                    return w;
                  }()},
                 {"loss",
                  {{"box_gain", kBoxGain},
                   {"class_gain", kClassGain},
                   {"negative_weight", example_common::shortest_decimal(kNegativeWeight)}}},
                 {"targets", {{"xy_scale", kXyScale}, {"neighbour_cells", kNeighbourCells}}},
                 {"augment", o.augment},
                 {"zoom",
                  {example_common::shortest_decimal(lo.augment_options.zoom_min),
                   example_common::shortest_decimal(lo.augment_options.zoom_max)}},
                 {"seed", o.seed}};
  example_common::write_json_file((run_dir / "metrics.json").string(), j);

  // The grid: the first 12 validation photos with predictions (score >= 0.5) and true boxes.
  std::vector<cnn::data::RgbImage> annotated;
  for (size_t k = 0; k < last_val.indices.size() && annotated.size() < 12; ++k) {
    const cnn::data::DetectionSample& s = data.val.samples[last_val.indices[k]];
    const cnn::data::DecodeResult img = cnn::data::load_sample_image(s);
    if (!img.ok()) continue;
    std::vector<cnn::detect::Detection> shown;
    for (const auto& d : last_val.detections[k])
      if (d.score >= 0.5f) shown.push_back(d);
    annotated.push_back(annotate(img.image, shown, spec.classes, &s.boxes));
  }
  const bool figures_ok =
      example_common::write_training_curves((run_dir / kCurvesPng).string(), history.curves()) &&
      write_pr_curves_png((run_dir / kPrCurvesPng).string(), last_val.metrics, spec.classes) &&
      write_detection_grid((run_dir / kGridPng).string(), annotated) &&
      write_report_html((run_dir / "report.html").string(), j);
  if (!figures_ok) {
    std::fprintf(stderr, "error: could not write the figures or report.html in %s\n",
                 o.out.c_str());
    return 1;
  }
  std::printf(
      "\nwrote %s/{model.safetensors, checkpoint.safetensors, metrics.json, %s, %s, %s, "
      "report.html}\n",
      o.out.c_str(), kCurvesPng, kPrCurvesPng, kGridPng);
  return 0;
}

}  // namespace mask_detector
