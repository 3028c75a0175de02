// `mask-detector video`: every frame of a video file or capture device through the detector,
// boxes drawn, re-encoded to an MP4, per-frame detections as JSON lines, frames/s printed.
// Decoding and encoding are Debian's `ffmpeg` on rawvideo pipes (ffmpeg_pipe.h): libcnn reads
// and writes packed RGB frames only, so any container or codec ffmpeg knows works.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/cli_checks.h"
#include "common/device_choice.h"
#include "common/interrupt.h"
#include "common/progress.h"
#include "common/run_dir.h"
#include "ffmpeg_pipe.h"
#include "inference.h"
#include "network.h"
#include "report.h"

namespace fs = std::filesystem;

namespace mask_detector {

nlohmann::json detections_to_json(const std::vector<cnn::detect::Detection>& detections,
                                  const std::vector<std::string>& classes);  // detect_command.cpp

namespace {

// SIGPIPE ignored while the encoder pipe is open: a dying ffmpeg is then a failed write that is
// reported, not a silent death of this program.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() { previous_ = std::signal(SIGPIPE, SIG_IGN); }
  ~IgnoreSigpipe() { std::signal(SIGPIPE, previous_); }

 private:
  void (*previous_)(int);
};

}  // namespace

int run_video(const VideoOptions& o) {
  example_common::ValueChecks checks;
  checks.require(o.threshold > 0 && o.threshold < 1,
                 "--threshold must lie in (0, 1), got " + std::to_string(o.threshold));
  checks.at_least("--max-frames", o.max_frames, 0);
  check_input_size_flag(checks, "--image-size", o.image_size, /*zero_means_default=*/true);
  checks.require(!o.out.empty(), "--out is required (an .mp4 file)");
  checks.throw_if_failed();
  if (find_on_path("ffmpeg").empty() || find_on_path("ffprobe").empty()) {
    throw InputError(
        "video needs the ffmpeg and ffprobe commands, which are not on PATH: install "
        "Debian's ffmpeg package (sudo apt-get install ffmpeg)");
  }
  const cnn::Device device = example_common::select_device(o.device);
  const fs::path out_parent = fs::absolute(fs::path(o.out)).parent_path();
  example_common::check_output_directory(out_parent.string(), "--out");
  const std::string json_path =
      o.json.empty() ? fs::path(o.out).replace_extension(".jsonl").string() : o.json;
  LoadedModel model = load_model(o.model, o.image_size);
  model.network->to(device);
  const VideoInfo info = probe_video(o.in);
  const double fps = info.fps > 0 ? info.fps : 25.0;
  example_common::create_output_directory(out_parent.string(), "--out");

  std::vector<std::string> decode = {"ffmpeg", "-v", "error", "-nostdin"};
  if (o.in.rfind("/dev/video", 0) == 0) decode.insert(decode.end(), {"-f", "v4l2"});
  decode.insert(decode.end(), {"-i", o.in, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"});
  char size[32], rate[32];
  std::snprintf(size, sizeof size, "%dx%d", info.width, info.height);
  std::snprintf(rate, sizeof rate, "%.6g", fps);
  // yuv420p needs even sides: the scale filter rounds an odd side down.
  const std::vector<std::string> encode = {
      "ffmpeg",   "-v",       "error",     "-y",
      "-f",       "rawvideo", "-pix_fmt",  "rgb24",
      "-s",       size,       "-r",        rate,
      "-i",       "-",        "-vf",       "scale=trunc(iw/2)*2:trunc(ih/2)*2",
      "-c:v",     "libx264",  "-preset",   "veryfast",
      "-pix_fmt", "yuv420p",  "-movflags", "+faststart",
      o.out};
  std::ofstream jsonl(json_path);
  if (!jsonl) throw InputError("cannot write " + json_path);

  IgnoreSigpipe no_sigpipe;
  example_common::InterruptGuard interrupt;
  ChildPipe decoder(decode, ChildPipe::Direction::read_stdout);
  ChildPipe encoder(encode, ChildPipe::Direction::write_stdin);
  PostprocessOptions po;
  po.score_threshold = o.threshold;
  cnn::data::RgbImage frame;
  frame.width = info.width;
  frame.height = info.height;
  frame.pixels.resize(static_cast<size_t>(info.width) * info.height * 3);
  const auto t0 = std::chrono::steady_clock::now();
  double detect_seconds = 0;
  int64_t frames = 0, faces = 0;
  bool write_failed = false;
  while ((o.max_frames == 0 || frames < o.max_frames) &&
         decoder.read_exact(frame.pixels.data(), frame.pixels.size())) {
    const auto td = std::chrono::steady_clock::now();
    const std::vector<cnn::detect::Detection> dets =
        detect_image(*model.network, frame, device, po);
    detect_seconds += example_common::seconds_since(td);
    faces += static_cast<int64_t>(dets.size());
    const cnn::data::RgbImage drawn = annotate(frame, dets, model.spec.classes);
    if (!encoder.write_all(drawn.pixels.data(), drawn.pixels.size())) {
      write_failed = true;
      break;
    }
    jsonl << nlohmann::json{{"frame", frames},
                            {"time", example_common::shortest_decimal(
                                         static_cast<float>(double(frames) / fps))},
                            {"detections", detections_to_json(dets, model.spec.classes)}}
                 .dump()
          << '\n';
    ++frames;
    if (!o.quiet && frames % 25 == 0) {
      std::fprintf(stderr, "\rframe %lld  %.1f frames/s", static_cast<long long>(frames),
                   double(frames) / example_common::seconds_since(t0));
      std::fflush(stderr);
    }
    if (example_common::InterruptGuard::requested()) break;
  }
  const double seconds = example_common::seconds_since(t0);
  if (!o.quiet && frames >= 25) std::fputc('\n', stderr);
  const int decode_status = decoder.finish();
  const int encode_status = encoder.finish();
  jsonl.close();
  if (write_failed || encode_status != 0) {
    std::fprintf(stderr, "error: the ffmpeg encoder writing %s failed (exit status %d)\n",
                 o.out.c_str(), encode_status);
    return 1;
  }
  if (frames == 0) {
    std::fprintf(stderr, "error: no frame could be decoded from %s (ffmpeg exit status %d)\n",
                 o.in.c_str(), decode_status);
    return 1;
  }
  std::printf(
      "%lld frames of %dx%d in %.1f s: %.1f frames/s end to end (detector alone %.1f "
      "frames/s, %s), %lld faces\nwrote %s and %s\n",
      static_cast<long long>(frames), info.width, info.height, seconds, double(frames) / seconds,
      double(frames) / detect_seconds, example_common::describe_device(device).c_str(),
      static_cast<long long>(faces), o.out.c_str(), json_path.c_str());
  if (example_common::InterruptGuard::requested()) {
    std::fprintf(stderr, "interrupted: the video holds the frames processed so far\n");
    return 1;
  }
  return 0;
}

}  // namespace mask_detector
