// mask-classifier: trains, evaluates and applies the face-mask network (README.md).
// This file only parses the command line (CLI11); examples/common/exit_codes.h maps failures to
// the exit-code contract: 0 success, 2 bad input (bad flag or value, unknown subcommand,
// unreadable dataset, malformed model file), 1 other.
#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/exit_codes.h"
#include "recipes.h"

int main(int argc, char** argv) {
  using namespace mask_classifier;
  CLI::App app{"mask-classifier: train and apply the libcnn face-mask classifier"};
  app.require_subcommand(1);

  TrainOptions train;
  std::string channels = "32,64,128";
  CLI::App* t = app.add_subcommand(
      "train", "train the network (default: seed recipe on the built-in synthetic set)");
  t->add_option("--recipe", train.recipe,
                "named defaults: seed (the original notebook's network and SGD) or best (the "
                "pretrained tiny-face network, augmentation, Adam; best on photos from other "
                "sources); flags given explicitly override the recipe")
      ->check(CLI::IsMember(recipe_names()))
      ->capture_default_str();
  t->add_option("--data", train.data,
                "ImageFolder: one sub-folder per class (default: synthetic set)");
  t->add_option("--epochs", train.epochs, "epochs")->capture_default_str();
  t->add_option("--batch", train.batch, "batch size")->capture_default_str();
  t->add_option("--lr", train.lr, "learning rate")->capture_default_str();
  t->add_option("--momentum", train.momentum, "SGD momentum")->capture_default_str();
  t->add_option("--optimizer", train.optimizer, "sgd or adam")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  t->add_option("--val", train.val, "validation images: a count (1000) or a fraction (0.2)")
      ->capture_default_str();
  t->add_option("--seed", train.seed, "seed for split, order, init and augmentation")
      ->capture_default_str();
  t->add_option("--device", train.device, "auto, cpu or cuda")->capture_default_str();
  t->add_option("--out", train.out, "run directory for model, checkpoints, metrics and report")
      ->capture_default_str();
  t->add_option("--resume", train.resume,
                "checkpoint to resume from (RUN_DIR/checkpoint.safetensors)");
  t->add_flag("--augment,!--no-augment", train.augment,
              "random horizontal flips and small shifts (and --low-resolution, --colour)");
  t->add_option("--shift", train.shift,
                "with --augment: largest random shift, a fraction of the side (0: flips only)")
      ->capture_default_str();
  t->add_option("--low-resolution", train.low_resolution,
                "with --augment: probability of shrinking an image to a random side of 16 px or "
                "more and enlarging it back")
      ->capture_default_str();
  t->add_option("--colour", train.colour,
                "with --augment: brightness, contrast and saturation jitter, each a factor in "
                "[1-C, 1+C] (0: off)")
      ->capture_default_str();
  t->add_option("--schedule", train.schedule,
                "learning rate: constant, or warmup-cosine (warm-up over epoch 1, then cosine "
                "decay to 0)")
      ->check(CLI::IsMember({"constant", "warmup-cosine"}))
      ->capture_default_str();
  t->add_flag("--flip-average,!--no-flip-average", train.flip_average,
              "store in the model that eval and predict average each image with its mirror image");
  t->add_flag("--strict", train.strict, "fail instead of skipping undecodable files");
  t->add_flag("--quiet", train.quiet, "no progress bars");
  t->add_option("--synthetic-count", train.synthetic_count,
                "size of the built-in synthetic set (train + validation) when --data is not given")
      ->capture_default_str();
  t->add_option("--network", train.network.architecture,
                "seed (MaskDetection1, 82M parameters) or tiny-face (face-api's face-detector "
                "backbone and a linear head, 0.4M)")
      ->check(CLI::IsMember({kSeedArchitecture, kTinyFaceArchitecture}))
      ->capture_default_str();
  t->add_option("--from-pretrained", train.from_pretrained,
                "--network tiny-face: start from face-api's TinyFaceDetector weights (tiny-face) "
                "or from random weights (none)")
      ->check(CLI::IsMember({"tiny-face", "none"}))
      ->capture_default_str();
  t->add_option("--dropout", train.network.dropout,
                "--network tiny-face: dropout before the linear layer")
      ->capture_default_str();
  t->add_option("--image-size", train.network.image_size, "network input side in pixels")
      ->capture_default_str();
  t->add_option("--channels", channels, "widths of the three conv layers")->capture_default_str();
  t->add_option("--hidden", train.network.hidden, "width of the hidden linear layer")
      ->capture_default_str();

  EvalOptions eval;
  CLI::App* e =
      app.add_subcommand("eval", "accuracy, confusion matrix and metrics of a model on a folder");
  e->add_option("--model", eval.model, "model.safetensors from train")->required();
  e->add_option("--data", eval.data, "ImageFolder with class names the model knows")->required();
  e->add_option("--json", eval.json, "also write the metrics as JSON to this file");
  e->add_option("--out", eval.out,
                "run directory for metrics.json, confusion.png, eval_grid.png and report.html");
  e->add_option("--device", eval.device, "auto, cpu or cuda")->capture_default_str();
  e->add_option("--batch", eval.batch, "batch size")->capture_default_str();
  e->add_option("--flip-average", eval.flip_average,
                "average each image with its mirror image: model (as the model file says), on "
                "or off")
      ->check(CLI::IsMember({"model", "on", "off"}))
      ->capture_default_str();
  e->add_flag("--strict", eval.strict, "fail instead of skipping undecodable files");
  e->add_flag("--quiet", eval.quiet, "no progress bars");

  PredictOptions predict;
  CLI::App* p = app.add_subcommand("predict", "print PATH<TAB>LABEL<TAB>PROBABILITY per image");
  p->add_option("--model", predict.model, "model.safetensors from train")->required();
  p->add_option("--device", predict.device, "auto, cpu or cuda")->capture_default_str();
  p->add_option("--flip-average", predict.flip_average,
                "average each image with its mirror image: model, on or off")
      ->check(CLI::IsMember({"model", "on", "off"}))
      ->capture_default_str();
  p->add_option("images", predict.images, "image files")->required();

  SynthOptions synth;
  CLI::App* s = app.add_subcommand("synth", "write the synthetic face-mask set as PNG folders");
  s->add_option("--out", synth.out, "output folder (gets with_mask/ and without_mask/)")
      ->required();
  s->add_option("--count", synth.count, "number of images (half per class)")->capture_default_str();
  s->add_option("--seed", synth.seed, "generator seed (train's built-in set uses 0)")
      ->capture_default_str();
  s->add_option("--size", synth.size, "image side in pixels")->capture_default_str();

  CropsOptions crops;
  CLI::App* c = app.add_subcommand(
      "crops", "cut the face boxes of a Pascal VOC folder into an ImageFolder (cross-source test)");
  c->add_option("--voc", crops.voc, "Pascal VOC folder with annotations/ and images/")->required();
  c->add_option("--out", crops.out, "output folder: one sub-folder per label, plus crops.json")
      ->required();
  c->add_option("--margin", crops.margin,
                "padding on each side, as a fraction of the box's width (left, right) and height "
                "(top, bottom); clipped to the image")
      ->capture_default_str();
  c->add_option("--min-size", crops.min_size,
                "leave out boxes narrower or shorter than this many pixels (before the margin)")
      ->capture_default_str();
  c->add_option("--labels", crops.labels,
                "labels to cut, comma-separated; other boxes are left out")
      ->delimiter(',')
      ->capture_default_str();
  c->add_flag("--force", crops.force,
              "write into a non-empty --out, replacing its label folders and crops.json");
  c->add_flag("--strict", crops.strict, "fail instead of skipping a bad annotation or image");

  if (const auto stop = example_common::parse_command_line(app, "mask-classifier", argc, argv))
    return *stop;
  return example_common::run_reporting_errors([&] {
    if (*t) {
      train.network.set_channels(channels);
      apply_recipe(train.recipe, train,
                   [&](const std::string& flag) { return t->get_option(flag)->count() > 0; });
      return run_train(train);
    }
    if (*e) return run_eval(eval);
    if (*p) return run_predict(predict);
    if (*s) return run_synth(synth);
    if (*c) return run_crops(crops);
    return static_cast<int>(example_common::kExitFailure);
  });
}
