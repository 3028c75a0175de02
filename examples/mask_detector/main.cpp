// mask-detector: finds every face in a photo or video and says whether it wears a mask
// (README.md). This file only parses the command line (CLI11); examples/common/exit_codes.h maps
// failures to the exit-code contract: 0 success, 2 bad input, 1 other.
#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/exit_codes.h"

int main(int argc, char** argv) {
  using namespace mask_detector;
  CLI::App app{"mask-detector: find faces and tell whether they wear a mask (libcnn)"};
  app.require_subcommand(1);

  TrainOptions train;
  bool no_augment = false;
  CLI::App* t =
      app.add_subcommand("train", "fine-tune the detector (default: built-in synthetic scenes)");
  t->add_option("--data", train.data,
                "Pascal VOC (annotations/, images/) or YOLO (labels/, images/) folder; uses "
                "splits/train.txt and splits/val.txt when present (default: synthetic scenes)");
  t->add_option("--epochs", train.epochs, "epochs (default: 30 with --data, 8 synthetic)");
  t->add_option("--batch", train.batch, "batch size")->capture_default_str();
  t->add_option("--image-size", train.image_size, "square training input, a multiple of 32")
      ->capture_default_str();
  t->add_option("--inference-size", train.inference_size,
                "square input of validation, eval, detect and video, a multiple of 32 "
                "(default: 4/3 x --image-size, rounded down to a multiple of 32)");
  t->add_option("--from-pretrained", train.from_pretrained,
                "backbone start: tiny-face (face-api's TinyFaceDetector) or none")
      ->capture_default_str();
  t->add_option("--freeze", train.freeze,
                "backbone layers kept fixed, conv0 .. conv{N-1} (default: 2 pretrained, 0 none)");
  t->add_option("--lr", train.lr, "Adam learning rate (warm-up, then cosine decay)")
      ->capture_default_str();
  t->add_option("--seed", train.seed, "seed for anchors, order, init and augmentation")
      ->capture_default_str();
  t->add_option("--device", train.device, "auto, cpu or cuda")->capture_default_str();
  t->add_option("--out", train.out, "run directory for model, checkpoints, metrics and report")
      ->capture_default_str();
  t->add_option("--resume", train.resume,
                "checkpoint to resume from (RUN_DIR/checkpoint.safetensors)");
  t->add_option("--synthetic-count", train.synthetic_count,
                "built-in synthetic scenes (train + validation) when --data is not given")
      ->capture_default_str();
  t->add_flag("--no-augment", no_augment, "no flips, zoom/crop or colour jitter");
  t->add_flag("--strict", train.strict, "fail instead of skipping a bad annotation or image");
  t->add_flag("--quiet", train.quiet, "no progress bars");

  EvalOptions eval;
  CLI::App* e = app.add_subcommand("eval", "detection metrics of a model on a VOC or YOLO folder");
  e->add_option("--model", eval.model, "model.safetensors from train")->required();
  e->add_option("--data", eval.data, "Pascal VOC or YOLO folder")->required();
  e->add_option("--split", eval.split, "splits/<SPLIT>.txt of the folder, or all")
      ->capture_default_str();
  e->add_option("--out", eval.out, "run directory for metrics.json, figures and report.html");
  e->add_option("--threshold", eval.threshold, "score threshold of precision and recall")
      ->capture_default_str();
  e->add_option("--image-size", eval.image_size,
                "network input side, a multiple of 32 (default: the model's)");
  e->add_option("--device", eval.device, "auto, cpu or cuda")->capture_default_str();
  e->add_option("--batch", eval.batch, "batch size")->capture_default_str();
  e->add_flag("--strict", eval.strict, "fail instead of skipping a bad annotation or image");
  e->add_flag("--quiet", eval.quiet, "no progress bars");

  DetectOptions detect;
  CLI::App* d = app.add_subcommand(
      "detect", "print PATH<TAB>LABEL<TAB>SCORE<TAB>x1,y1,x2,y2 for every face found");
  d->add_option("--model", detect.model, "model.safetensors from train")->required();
  d->add_option("--out", detect.out, "folder for annotated images and detections.json");
  d->add_option("--threshold", detect.threshold, "minimum score of a reported face")
      ->capture_default_str();
  d->add_option("--image-size", detect.image_size,
                "network input side, a multiple of 32 (default: the model's)");
  d->add_option("--device", detect.device, "auto, cpu or cuda")->capture_default_str();
  d->add_option("images", detect.images, "image files")->required();

  VideoOptions video;
  CLI::App* v = app.add_subcommand(
      "video", "draw the detections on every frame of a video (needs Debian's ffmpeg)");
  v->add_option("--model", video.model, "model.safetensors from train")->required();
  v->add_option("--in", video.in, "video file or capture device (/dev/video0)")->required();
  v->add_option("--out", video.out, "annotated video, FILE.mp4 (H.264)")->required();
  v->add_option("--json", video.json,
                "per-frame detections as JSON lines (default: OUT with .jsonl)");
  v->add_option("--threshold", video.threshold, "minimum score of a drawn face")
      ->capture_default_str();
  v->add_option("--max-frames", video.max_frames, "stop after this many frames (0: all)")
      ->capture_default_str();
  v->add_option("--image-size", video.image_size,
                "network input side, a multiple of 32 (default: the model's)");
  v->add_option("--device", video.device, "auto, cpu or cuda")->capture_default_str();
  v->add_flag("--quiet", video.quiet, "no progress output");

  BaselineOptions baseline;
  CLI::App* b = app.add_subcommand(
      "baseline", "stock face-api TinyFaceDetector + a mask-classifier model, scored like eval");
  b->add_option("--classifier", baseline.classifier, "model.safetensors of mask-classifier train")
      ->required();
  b->add_option("--data", baseline.data, "Pascal VOC or YOLO folder")->required();
  b->add_option("--split", baseline.split, "splits/<SPLIT>.txt of the folder, or all")
      ->capture_default_str();
  b->add_option("--out", baseline.out, "folder for baseline.json");
  b->add_option("--device", baseline.device, "auto, cpu or cuda")->capture_default_str();
  b->add_flag("--quiet", baseline.quiet, "no progress bars");

  if (const auto stop = example_common::parse_command_line(app, "mask-detector", argc, argv))
    return *stop;
  return example_common::run_reporting_errors([&] {
    if (*t) {
      train.augment = !no_augment;
      return run_train(train);
    }
    if (*e) return run_eval(eval);
    if (*d) return run_detect(detect);
    if (*v) return run_video(video);
    if (*b) return run_baseline(baseline);
    return static_cast<int>(example_common::kExitFailure);
  });
}
