// face-api's TinyFaceDetector in libcnn on the CPU, time per 416x416 image, with face-api's
// pretrained weights from the model cache (.ci/fetch-models; the benchmark reports an error and
// skips without it). Compare with face-api itself (tfjs CPU backend) in the same sitting:
//   node tests/models/make_face_api_fixtures.mjs --bench PPM_DIR maksssksksss110
// which times the same two things:
//   batch 1:  the whole detect() on one photo-sized image (pre-processing, network, decode, NMS)
//   batch 16: pre-processing + the network's forward pass on 16 images at once
// The image is a 400x267 random one (the size of the photo the Node script times). Reported:
// wall time per iteration (a batch), images_per_s, and process_cpu_ms_per_image (CPU time of all
// threads per image, which stays meaningful when other processes share the machine).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "cnn/autograd.h"
#include "cnn/models/model_cache.h"
#include "cnn/models/tiny_face_detector.h"
#include "cnn/random.h"

namespace {

cnn::data::RgbImage random_photo() {
  cnn::data::RgbImage im;
  im.width = 400;
  im.height = 267;
  cnn::Generator gen(7);
  const std::vector<float> v =
      cnn::Tensor::rand({im.width * im.height * 3}, cnn::Device::cpu(), &gen, 0.f, 255.f)
          .to_vector();
  for (float x : v) im.pixels.push_back(static_cast<uint8_t>(x));
  return im;
}

void BM_TinyFaceDetectorCpu(benchmark::State& state) {
  const std::string missing = cnn::models::face_api_models_missing();
  if (!missing.empty()) {
    state.SkipWithError(missing.c_str());
    return;
  }
  const int batch = static_cast<int>(state.range(0));
  auto net = cnn::models::TinyFaceDetector::load(cnn::models::face_api_model_dir());
  const std::vector<cnn::data::RgbImage> images(static_cast<size_t>(batch), random_photo());
  cnn::NoGradGuard no_grad;
  // Process CPU time (all threads, OpenMP workers included): on a shared machine it says what the
  // work costs when wall time is inflated by other processes.
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  for (auto _ : state) {
    if (batch == 1) {
      benchmark::DoNotOptimize(net->detect(images[0]).size());
    } else {
      benchmark::DoNotOptimize(
          net->forward(cnn::models::tiny_face_detector_input(images, 416)).data());
    }
  }
  getrusage(RUSAGE_SELF, &after);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  const double cpu_s = seconds(after.ru_utime) - seconds(before.ru_utime) +
                       seconds(after.ru_stime) - seconds(before.ru_stime);
  const double images_run = static_cast<double>(state.iterations()) * batch;
  state.counters["images_per_s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["process_cpu_ms_per_image"] = cpu_s * 1e3 / images_run;
}
BENCHMARK(BM_TinyFaceDetectorCpu)
    ->ArgName("batch")
    ->Arg(1)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
