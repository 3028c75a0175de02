// Unit tests of the example's metrics, figures and report (no training).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cnn/data/image.h"
#include "metrics.h"
#include "plots.h"
#include "report.h"

using namespace mask_classifier;
namespace fs = std::filesystem;

TEST_CASE("metrics from a hand-computed confusion matrix", "[example][metrics]") {
  // true:      0 0 0 0 1 1 1 1 1 1
  // predicted: 0 0 0 1 1 1 1 1 0 0
  const std::vector<int32_t> truth = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const std::vector<int32_t> pred = {0, 0, 0, 1, 1, 1, 1, 1, 0, 0};
  const ClassificationMetrics m = compute_metrics(2, truth, pred);
  CHECK(m.confusion == std::vector<std::vector<int64_t>>{{3, 1}, {2, 4}});
  CHECK(m.total() == 10);
  CHECK(m.accuracy == Approx(0.7));
  // class 0: precision 3/5, recall 3/4; class 1: precision 4/5, recall 4/6.
  CHECK(m.per_class[0].precision == Approx(0.6));
  CHECK(m.per_class[0].recall == Approx(0.75));
  CHECK(m.per_class[0].f1 == Approx(2 * 0.6 * 0.75 / 1.35));
  CHECK(m.per_class[1].precision == Approx(0.8));
  CHECK(m.per_class[1].recall == Approx(4.0 / 6));
  CHECK(m.per_class[0].support == 4);
  CHECK(m.per_class[1].support == 6);

  const nlohmann::json j = metrics_to_json(m, {"with_mask", "without_mask"});
  CHECK(j["confusion_matrix"][1][0] == 2);
  CHECK(j["per_class"]["without_mask"]["support"] == 6);
  const std::string table = format_metrics(m, {"with_mask", "without_mask"});
  CHECK(table.find("accuracy 0.7000 (7 of 10)") != std::string::npos);
}

TEST_CASE("a class that is never predicted has precision 0, not NaN", "[example][metrics]") {
  const ClassificationMetrics m = compute_metrics(2, {0, 1, 1}, {1, 1, 1});
  CHECK(m.per_class[0].precision == 0.0);
  CHECK(m.per_class[0].f1 == 0.0);
  CHECK(m.accuracy == Approx(2.0 / 3));
}

TEST_CASE("figures are written as decodable PNGs with content", "[example][plots]") {
  const fs::path dir = fs::temp_directory_path() / "cnn_test_plots";
  fs::remove_all(dir);
  fs::create_directories(dir);
  TrainingCurves k;
  k.epoch = {1, 2, 3};
  k.train_loss = {0.7, 0.4, 0.2};
  k.val_loss = {0.6, 0.35, 0.25};
  k.val_metric = {0.6, 0.85, 0.95};
  k.step_epoch = {0.5, 1, 1.5, 2, 2.5, 3};
  k.step_loss = {0.7, 0.6, 0.5, 0.4, 0.3, 0.2};
  REQUIRE(write_training_curves((dir / kCurvesPng).string(), k));
  const ClassificationMetrics m = compute_metrics(2, {0, 0, 1, 1}, {0, 1, 1, 1});
  REQUIRE(write_confusion_png((dir / kConfusionPng).string(), m.confusion,
                              {"with_mask", "without_mask"}));
  std::vector<uint8_t> tile(100 * 100 * 3, 128);
  std::vector<GridItem> items = {{tile.data(), 100, 100, 0, 0, 0.9f},
                                 {tile.data(), 100, 100, 1, 0, 0.6f}};
  REQUIRE(write_prediction_grid((dir / kGridPng).string(), items, {"with_mask", "without_mask"}));

  for (const char* name : {kCurvesPng, kConfusionPng, kGridPng}) {
    INFO(name);
    const auto r = cnn::data::decode_image_file((dir / name).string());
    REQUIRE(r.ok());
    CHECK(r.image.width > 200);
    // Not blank: at least 3% of the pixels are not white.
    size_t ink = 0;
    for (size_t p = 0; p < r.image.pixels.size(); p += 3) {
      ink += r.image.pixels[p] < 250 || r.image.pixels[p + 1] < 250 || r.image.pixels[p + 2] < 250;
    }
    CHECK(ink * 33 > r.image.pixels.size() / 3);
  }
  // The wrong prediction is framed in pure-ish red somewhere in the grid.
  const auto grid = cnn::data::decode_image_file((dir / kGridPng).string());
  bool red = false;
  for (size_t p = 0; p < grid.image.pixels.size() && !red; p += 3) {
    red = grid.image.pixels[p] == 214 && grid.image.pixels[p + 1] == 39 &&
          grid.image.pixels[p + 2] == 40;
  }
  CHECK(red);
  fs::remove_all(dir);
}

TEST_CASE("report.html links every figure and escapes text", "[example][report]") {
  const fs::path path = fs::temp_directory_path() / "cnn_test_report.html";
  nlohmann::json j;
  j["classes"] = {"with_mask", "without_mask"};
  j["val_accuracy"] = 0.975;
  j["data"] = "<script>alert(1)</script>";
  j["epochs"] = nlohmann::json::array({{{"train_loss", 0.5},
                                        {"val_loss", 0.4},
                                        {"val_accuracy", 0.975},
                                        {"seconds", 3.0},
                                        {"images_per_second", 100.0}}});
  j["skipped_files"] =
      nlohmann::json::array({{{"path", "a.webp"}, {"reason", "WebP is not supported"}}});
  REQUIRE(write_report_html(path.string(), j));
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string html = ss.str();
  CHECK(html.find("src=\"curves.png\"") != std::string::npos);
  CHECK(html.find("src=\"confusion.png\"") != std::string::npos);
  CHECK(html.find("src=\"val_grid.png\"") != std::string::npos);
  CHECK(html.find("97.50%") != std::string::npos);
  CHECK(html.find("a.webp") != std::string::npos);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;") != std::string::npos);
  fs::remove(path);
}
