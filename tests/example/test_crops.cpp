// `mask-classifier crops` on a generated Pascal VOC folder: which boxes become crops (labels,
// --min-size), their file names, that every crop pixel comes from the right place of the right
// photograph with the stated margin (rectangles worked out by hand below), crops.json, skipped
// annotations, --force, and the exit codes of bad input.
//
// The photographs are PNG (lossless), with a background whose colour encodes its position
// (R = x, G = y, B = 0) and each box filled with its own colour, so a crop that is shifted by one
// pixel, padded wrongly or cut from the wrong box fails the pixel comparison.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/data/image.h"
#include "run_command.h"

namespace fs = std::filesystem;
using test_support::run_mask_classifier;

namespace {

const fs::path kTmp = fs::temp_directory_path() / "cnn_test_crops";

std::string q(const fs::path& p) {
  return "'" + p.string() + "'";
}

// A box in continuous pixels (x1, y1) - (x2, y2), as the VOC reader returns it.
struct SceneBox {
  std::string label;
  int x1, y1, x2, y2;
  uint8_t r, g, b;  // fill colour: blue >= 100 never occurs in the background
};

struct Scene {
  std::string stem;
  int width, height;
  std::vector<SceneBox> boxes;
};

std::array<uint8_t, 3> scene_pixel(const Scene& s, int x, int y) {
  for (const SceneBox& b : s.boxes) {
    if (x >= b.x1 && x < b.x2 && y >= b.y1 && y < b.y2) return {b.r, b.g, b.b};
  }
  return {static_cast<uint8_t>(x), static_cast<uint8_t>(y), 0};
}

// Image a: a 40x40 with_mask face (margin 0.15 = 6 px exactly), a mask_weared_incorrect face, a
// 20x30 without_mask face (below 32 px), and a 40x40 without_mask face at the right edge.
// Image b: a 36x46 with_mask face near the top-left corner (margins 5.4 and 6.9 px, clipped at 0),
// a 34x34 without_mask face (margin 5.1 px: fractions of .9 and .1 at its edges) and a
// without_mask face of exactly 32x32 px (kept: the limit is "smaller than 32").
const std::vector<Scene> kScenes = {
    {"a",
     160,
     120,
     {{"with_mask", 10, 20, 50, 60, 200, 10, 100},
      {"mask_weared_incorrect", 60, 10, 100, 50, 10, 200, 130},
      {"without_mask", 110, 80, 130, 110, 250, 250, 160},
      {"without_mask", 120, 10, 160, 50, 30, 30, 190}}},
    {"b",
     80,
     90,
     {{"with_mask", 5, 7, 41, 53, 90, 0, 220},
      {"without_mask", 44, 10, 78, 44, 0, 90, 250},
      {"without_mask", 44, 50, 76, 82, 120, 120, 170}}},
};

// Writes the scenes as ROOT/images/<stem>.png + ROOT/annotations/<stem>.xml (VOC corners are
// 1-based inclusive: xmin = x1 + 1, xmax = x2), plus c.xml, which is not well-formed XML.
void write_voc_folder(const fs::path& root) {
  fs::create_directories(root / "images");
  fs::create_directories(root / "annotations");
  for (const Scene& s : kScenes) {
    cnn::data::RgbImage img;
    img.width = s.width;
    img.height = s.height;
    img.pixels.resize(static_cast<size_t>(s.width) * s.height * 3);
    for (int y = 0; y < s.height; ++y) {
      for (int x = 0; x < s.width; ++x) {
        const auto p = scene_pixel(s, x, y);
        std::copy(p.begin(), p.end(),
                  img.pixels.begin() + (static_cast<size_t>(y) * s.width + x) * 3);
      }
    }
    REQUIRE(cnn::data::write_png((root / "images" / (s.stem + ".png")).string(), img));
    std::ofstream xml(root / "annotations" / (s.stem + ".xml"));
    xml << "<annotation>\n  <filename>" << s.stem << ".png</filename>\n  <size><width>" << s.width
        << "</width><height>" << s.height << "</height><depth>3</depth></size>\n";
    for (const SceneBox& b : s.boxes) {
      xml << "  <object><name>" << b.label << "</name><difficult>0</difficult><bndbox><xmin>"
          << b.x1 + 1 << "</xmin><ymin>" << b.y1 + 1 << "</ymin><xmax>" << b.x2 << "</xmax><ymax>"
          << b.y2 << "</ymax></bndbox></object>\n";
    }
    xml << "</annotation>\n";
  }
  cnn::data::RgbImage c;
  c.width = c.height = 8;
  c.pixels.assign(8 * 8 * 3, 128);
  REQUIRE(cnn::data::write_png((root / "images" / "c.png").string(), c));
  std::ofstream(root / "annotations" / "c.xml")
      << "<annotation><filename>c.png</filename><object><name>with_mask</name><bndbox>";
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// Compares the crop file against the scene: it must be exactly `rect` = [x0, y0, x1, y1) of it.
void check_crop_pixels(const fs::path& file, const Scene& scene, const std::array<int, 4>& rect) {
  INFO(file.string());
  const cnn::data::DecodeResult d = cnn::data::decode_image_file(file.string());
  REQUIRE(d.ok());
  REQUIRE(d.image.width == rect[2] - rect[0]);
  REQUIRE(d.image.height == rect[3] - rect[1]);
  size_t mismatches = 0;
  for (int y = 0; y < d.image.height; ++y) {
    for (int x = 0; x < d.image.width; ++x) {
      const auto want = scene_pixel(scene, rect[0] + x, rect[1] + y);
      const uint8_t* got = d.image.pixels.data() + (static_cast<size_t>(y) * d.image.width + x) * 3;
      if (got[0] != want[0] || got[1] != want[1] || got[2] != want[2]) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

struct ExpectedCrop {
  std::string file;
  size_t scene, box;
  std::array<int, 4> rect;  // [x0, y0, x1, y1), worked out by hand for the margin
};

const fs::path& voc_folder() {
  static const fs::path root = [] {
    fs::remove_all(kTmp);
    write_voc_folder(kTmp / "voc");
    return kTmp / "voc";
  }();
  return root;
}

}  // namespace

TEST_CASE("crops: defaults cut with_mask and without_mask boxes of 32 px and more",
          "[example][crops]") {
  const fs::path out = kTmp / "default";
  const auto r = run_mask_classifier("crops --voc " + q(voc_folder()) + " --out " + q(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("with_mask: 2 written, 0 skipped as smaller than 32 px") !=
        std::string::npos);
  CHECK(r.output.find("without_mask: 3 written, 1 skipped as smaller than 32 px") !=
        std::string::npos);
  CHECK(r.output.find("mask_weared_incorrect: 1 boxes left out") != std::string::npos);
  CHECK(r.output.find("c.xml") != std::string::npos);  // the malformed annotation, reported

  // Margin 0.15: a: 40x40 at (10,20) pads 6 px; at (120,10) pads 6 px and is clipped at x = 160.
  // b: 36x46 at (5,7) pads 5.4 / 6.9 px: x [-0.4, 46.4] -> [0, 47), y [0.1, 59.9] -> [0, 60);
  // 34x34 at (44,10) pads 5.1 px: x [38.9, 83.1] -> [38, 80), y [4.9, 49.1] -> [4, 50);
  // 32x32 at (44,50) pads 4.8 px: x [39.2, 80.8] -> [39, 80), y [45.2, 86.8] -> [45, 87).
  const std::vector<ExpectedCrop> expected = {
      {"with_mask/a_0.png", 0, 0, {4, 14, 56, 66}},
      {"without_mask/a_3.png", 0, 3, {114, 4, 160, 56}},
      {"with_mask/b_0.png", 1, 0, {0, 0, 47, 60}},
      {"without_mask/b_1.png", 1, 1, {38, 4, 80, 50}},
      {"without_mask/b_2.png", 1, 2, {39, 45, 80, 87}},
  };
  CHECK(files_in(out) == std::set<std::string>{"crops.json", "with_mask", "without_mask"});
  CHECK(files_in(out / "with_mask") == std::set<std::string>{"a_0.png", "b_0.png"});
  CHECK(files_in(out / "without_mask") == std::set<std::string>{"a_3.png", "b_1.png", "b_2.png"});
  for (const ExpectedCrop& e : expected) check_crop_pixels(out / e.file, kScenes[e.scene], e.rect);

  const nlohmann::json j = read_json(out / "crops.json");
  CHECK(j["options"]["margin"].get<double>() == 0.15);
  CHECK(j["options"]["min_size"] == 32);
  CHECK(j["options"]["labels"] == nlohmann::json({"with_mask", "without_mask"}));
  CHECK(j["counts"]["with_mask"]["written"] == 2);
  CHECK(j["counts"]["with_mask"]["too_small"] == 0);
  CHECK(j["counts"]["without_mask"]["written"] == 3);
  CHECK(j["counts"]["without_mask"]["too_small"] == 1);
  CHECK(j["left_out_labels"] == nlohmann::json({{"mask_weared_incorrect", 1}}));
  REQUIRE(j["skipped_files"].size() == 1);
  CHECK(j["skipped_files"][0]["path"].get<std::string>().find("c.xml") != std::string::npos);
  REQUIRE(j["too_small"].size() == 1);
  CHECK(j["too_small"][0]["index"] == 2);
  CHECK(j["too_small"][0]["box"] == nlohmann::json({110, 80, 130, 110}));

  REQUIRE(j["crops"].size() == expected.size());
  std::map<std::string, nlohmann::json> by_file;
  for (const auto& c : j["crops"]) by_file[c["file"].get<std::string>()] = c;
  for (const ExpectedCrop& e : expected) {
    INFO(e.file);
    REQUIRE(by_file.count(e.file) == 1);
    const nlohmann::json& c = by_file[e.file];
    const Scene& s = kScenes[e.scene];
    const SceneBox& b = s.boxes[e.box];
    CHECK(c["label"] == b.label);
    CHECK(c["index"] == e.box);
    CHECK(fs::path(c["image"].get<std::string>()).filename() == s.stem + ".png");
    CHECK(c["image_size"] == nlohmann::json({s.width, s.height}));
    CHECK(c["box"] == nlohmann::json({b.x1, b.y1, b.x2, b.y2}));
    CHECK(c["crop"] == nlohmann::json(e.rect));
  }
}

TEST_CASE("crops: --margin, --min-size and --labels", "[example][crops]") {
  const fs::path out = kTmp / "options";
  const auto r =
      run_mask_classifier("crops --voc " + q(voc_folder()) + " --out " + q(out) +
                          " --margin 0 --min-size 20 --labels mask_weared_incorrect,without_mask");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // Margin 0: each crop is exactly its box; the 20x30 box now passes --min-size 20.
  CHECK(files_in(out) ==
        std::set<std::string>{"crops.json", "mask_weared_incorrect", "without_mask"});
  CHECK(files_in(out / "mask_weared_incorrect") == std::set<std::string>{"a_1.png"});
  CHECK(files_in(out / "without_mask") ==
        std::set<std::string>{"a_2.png", "a_3.png", "b_1.png", "b_2.png"});
  check_crop_pixels(out / "mask_weared_incorrect" / "a_1.png", kScenes[0], {60, 10, 100, 50});
  check_crop_pixels(out / "without_mask" / "a_2.png", kScenes[0], {110, 80, 130, 110});
  check_crop_pixels(out / "without_mask" / "a_3.png", kScenes[0], {120, 10, 160, 50});
  check_crop_pixels(out / "without_mask" / "b_1.png", kScenes[1], {44, 10, 78, 44});
  check_crop_pixels(out / "without_mask" / "b_2.png", kScenes[1], {44, 50, 76, 82});
  const nlohmann::json j = read_json(out / "crops.json");
  CHECK(j["left_out_labels"] == nlohmann::json({{"with_mask", 2}}));
  CHECK(j["counts"]["without_mask"]["written"] == 4);
  CHECK(j["counts"]["without_mask"]["too_small"] == 0);

  // A margin of a whole box side: a's 40x40 face at (10,20) grows to [-30, 90) x [-20, 100).
  const fs::path wide = kTmp / "wide";
  REQUIRE(run_mask_classifier("crops --voc " + q(voc_folder()) + " --out " + q(wide) +
                              " --margin 1 --labels with_mask")
              .exit_code == 0);
  check_crop_pixels(wide / "with_mask" / "a_0.png", kScenes[0], {0, 0, 90, 100});

  // Margin 0.1 of the 20x30 face at (110,80): 2 and 3 px, [108, 132) x [77, 113).
  const fs::path tenth = kTmp / "tenth";
  REQUIRE(run_mask_classifier("crops --voc " + q(voc_folder()) + " --out " + q(tenth) +
                              " --margin 0.1 --min-size 20 --labels without_mask")
              .exit_code == 0);
  check_crop_pixels(tenth / "without_mask" / "a_2.png", kScenes[0], {108, 77, 132, 113});
}

TEST_CASE("crops: an existing --out needs --force, which replaces the old crops",
          "[example][crops]") {
  const fs::path out = kTmp / "force";
  fs::create_directories(out / "with_mask");
  std::ofstream(out / "with_mask" / "stale.png") << "old";
  const auto refused = run_mask_classifier("crops --voc " + q(voc_folder()) + " --out " + q(out));
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("--force") != std::string::npos);
  CHECK(fs::exists(out / "with_mask" / "stale.png"));

  const auto forced =
      run_mask_classifier("crops --force --voc " + q(voc_folder()) + " --out " + q(out));
  INFO(forced.output);
  CHECK(forced.exit_code == 0);
  CHECK(files_in(out / "with_mask") == std::set<std::string>{"a_0.png", "b_0.png"});
}

TEST_CASE("crops: bad input is exit code 2 with a message", "[example][crops]") {
  const auto help = run_mask_classifier("crops --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--margin") != std::string::npos);
  CHECK(help.output.find("0.15") != std::string::npos);  // the default margin is stated

  const std::string voc = " --voc " + q(voc_folder());
  CHECK(run_mask_classifier("crops --out " + q(kTmp / "x")).exit_code == 2);  // no --voc
  CHECK(run_mask_classifier("crops" + voc).exit_code == 2);                   // no --out

  const auto missing =
      run_mask_classifier("crops --voc " + q(kTmp / "nope") + " --out " + q(kTmp / "x"));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("does not exist") != std::string::npos);

  const auto margin = run_mask_classifier("crops" + voc + " --out " + q(kTmp / "x") +
                                          " --margin -0.1 --min-size -1");
  CHECK(margin.exit_code == 2);
  CHECK(margin.output.find("--margin") != std::string::npos);
  CHECK(margin.output.find("--min-size") != std::string::npos);

  const auto twice =
      run_mask_classifier("crops" + voc + " --out " + q(kTmp / "x") + " --labels a,a");
  CHECK(twice.exit_code == 2);
  CHECK(twice.output.find("twice") != std::string::npos);

  const auto unknown =
      run_mask_classifier("crops" + voc + " --out " + q(kTmp / "x") + " --labels masked");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("'masked' is not a label") != std::string::npos);
  CHECK(!fs::exists(kTmp / "x"));  // nothing written for a rejected command line

  const fs::path file = kTmp / "a_file";
  std::ofstream(file) << "x";
  CHECK(run_mask_classifier("crops" + voc + " --out " + q(file)).exit_code == 2);

  const auto strict = run_mask_classifier("crops --strict" + voc + " --out " + q(kTmp / "s"));
  CHECK(strict.exit_code == 2);
  CHECK(strict.output.find("c.xml") != std::string::npos);
}
