// libcnn's TinyFaceDetector against face-api itself: for every fixture in tests/models/fixtures
// (face-api 1.7.15's detections on a facemask-detect photograph, made by
// make_face_api_fixtures.mjs with tfjs's CPU backend on the pixels libcnn's decoder produces),
// libcnn must find the same number of faces, each reference box matched with IoU >= 0.98 and its
// score within 0.01. Exits 77 (ctest: skipped) with the reason when the photographs or the model
// cache (.ci/fetch-models) are absent.
//   CNN_FACEMASK_DETECT_IMAGES overrides the photo folder; CNN_MODEL_CACHE the model cache.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cnn/data/image.h"
#include "cnn/models/model_cache.h"
#include "cnn/models/tiny_face_detector.h"

using namespace cnn;
using json = nlohmann::json;

namespace {

std::string photo_dir() {
  const char* env = std::getenv("CNN_FACEMASK_DETECT_IMAGES");
  return env != nullptr && env[0] != '\0' ? env : CNN_FACEMASK_DETECT_DEFAULT_IMAGES;
}

struct Fixture {
  std::string file, photo, rgb_hash;
  int width = 0, height = 0, input_size = 0;
  double score_threshold = 0;
  std::vector<models::FaceDetection> detections;
};

std::vector<Fixture> load_fixtures() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(CNN_FACE_API_FIXTURES)) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Fixture> out;
  for (const std::string& f : files) {
    std::ifstream in(f);
    const json j = json::parse(in);
    Fixture fx;
    fx.file = f;
    fx.photo = j.at("photo").get<std::string>();
    fx.width = j.at("image").at("width").get<int>();
    fx.height = j.at("image").at("height").get<int>();
    fx.rgb_hash = j.at("image").at("rgb_fnv1a64").get<std::string>();
    fx.input_size = j.at("options").at("inputSize").get<int>();
    fx.score_threshold = j.at("options").at("scoreThreshold").get<double>();
    for (const json& d : j.at("detections")) {
      models::FaceDetection fd;
      fd.score = d.at("score").get<float>();
      const json& b = d.at("box");
      fd.box = {b.at("x1").get<float>(), b.at("y1").get<float>(), b.at("x2").get<float>(),
                b.at("y2").get<float>()};
      fx.detections.push_back(fd);
    }
    out.push_back(fx);
  }
  return out;
}

// FNV-1a 64 of the RGB bytes, the hash the fixture script records.
std::string fnv1a64(const std::vector<uint8_t>& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

double box_iou(const detect::Box& a, const detect::Box& b) {
  const double w = std::max(0.0, double(std::min(a.x2, b.x2)) - std::max(a.x1, b.x1));
  const double h = std::max(0.0, double(std::min(a.y2, b.y2)) - std::max(a.y1, b.y1));
  const double inter = w * h;
  const double uni =
      double(a.x2 - a.x1) * (a.y2 - a.y1) + double(b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return uni > 0 ? inter / uni : 0;
}

struct Gaps {
  double worst_iou = 1, worst_score = 0;
  std::string worst_iou_where, worst_score_where;
};

// Each reference detection, best score first, takes the unmatched libcnn detection with the
// highest IoU; the pair must have IoU >= 0.98 and |score difference| <= 0.01.
void compare(const Fixture& fx, const std::vector<models::FaceDetection>& ours, Gaps& gaps) {
  INFO(fx.photo << ": face-api found " << fx.detections.size() << ", libcnn " << ours.size());
  REQUIRE(ours.size() == fx.detections.size());
  std::vector<bool> used(ours.size(), false);
  for (size_t r = 0; r < fx.detections.size(); ++r) {
    const models::FaceDetection& ref = fx.detections[r];
    int best = -1;
    double best_iou = -1;
    for (size_t i = 0; i < ours.size(); ++i) {
      if (used[i]) continue;
      const double v = box_iou(ref.box, ours[i].box);
      if (v > best_iou) best_iou = v, best = static_cast<int>(i);
    }
    REQUIRE(best >= 0);
    used[static_cast<size_t>(best)] = true;
    const double score_gap = std::abs(double(ref.score) - ours[static_cast<size_t>(best)].score);
    const std::string where = fx.photo + " face " + std::to_string(r) + " ref " +
                              detect::box_str(ref.box) + " score " + std::to_string(ref.score) +
                              ", libcnn " + detect::box_str(ours[static_cast<size_t>(best)].box) +
                              " score " + std::to_string(ours[static_cast<size_t>(best)].score);
    INFO(where);
    CHECK(best_iou >= 0.98);
    CHECK(score_gap <= 0.01);
    if (best_iou < gaps.worst_iou) gaps.worst_iou = best_iou, gaps.worst_iou_where = where;
    if (score_gap > gaps.worst_score) gaps.worst_score = score_gap, gaps.worst_score_where = where;
  }
}

std::shared_ptr<models::TinyFaceDetector> g_net;
std::vector<Fixture> g_fixtures;
std::vector<data::RgbImage> g_images;

}  // namespace

TEST_CASE("TinyFaceDetector matches face-api on every fixture photo", "[face_api_equivalence]") {
  REQUIRE(g_fixtures.size() >= 12);
  Gaps gaps;
  size_t faces = 0;
  for (size_t i = 0; i < g_fixtures.size(); ++i) {
    const Fixture& fx = g_fixtures[i];
    const std::vector<models::FaceDetection> ours =
        g_net->detect(g_images[i], fx.input_size, fx.score_threshold);
    compare(fx, ours, gaps);
    faces += fx.detections.size();
  }
  std::printf("%zu photos, %zu faces: worst IoU %.6f (%s)\n  worst |score gap| %.3g (%s)\n",
              g_fixtures.size(), faces, gaps.worst_iou, gaps.worst_iou_where.c_str(),
              gaps.worst_score, gaps.worst_score_where.c_str());
}

TEST_CASE("TinyFaceDetector batched detect matches face-api too", "[face_api_equivalence]") {
  // One forward pass over all photos (same input size in every fixture).
  const std::vector<std::vector<models::FaceDetection>> all =
      g_net->detect(g_images, g_fixtures[0].input_size, g_fixtures[0].score_threshold);
  REQUIRE(all.size() == g_fixtures.size());
  Gaps gaps;
  for (size_t i = 0; i < g_fixtures.size(); ++i) compare(g_fixtures[i], all[i], gaps);
  std::printf("batch of %zu: worst IoU %.6f, worst |score gap| %.3g\n", g_fixtures.size(),
              gaps.worst_iou, gaps.worst_score);
}

int main(int argc, char* argv[]) {
  const std::string missing = models::face_api_models_missing();
  if (!missing.empty()) {
    std::printf("skipping: %s\n", missing.c_str());
    return 77;
  }
  const std::string photos = photo_dir();
  if (!std::filesystem::is_directory(photos)) {
    std::printf("skipping: facemask-detect photographs not found in %s\n", photos.c_str());
    return 77;
  }
  g_fixtures = load_fixtures();
  for (const Fixture& fx : g_fixtures) {
    const data::DecodeResult r = data::decode_image_file(photos + "/" + fx.photo);
    if (!r.ok()) {
      std::printf("FAILED: %s/%s: %s\n", photos.c_str(), fx.photo.c_str(), r.skip_reason.c_str());
      return 1;
    }
    // The fixture was made from this decoder's pixels; a different stb build would compare two
    // different inputs, which is not what this test is about.
    if (r.image.width != fx.width || r.image.height != fx.height ||
        fnv1a64(r.image.pixels) != fx.rgb_hash) {
      std::printf(
          "FAILED: %s decodes to %dx%d pixels with hash %s, the fixture has %dx%d %s "
          "(regenerate with make_face_api_fixtures.mjs)\n",
          fx.photo.c_str(), r.image.width, r.image.height, fnv1a64(r.image.pixels).c_str(),
          fx.width, fx.height, fx.rgb_hash.c_str());
      return 1;
    }
    g_images.push_back(r.image);
  }
  g_net = models::TinyFaceDetector::load(models::face_api_model_dir());
  return Catch::Session().run(argc, argv);
}
