// ImageFolder loading, skip reporting and the error cases, on folders built from the fixtures.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cnn/data/image_folder.h"

namespace fs = std::filesystem;
using namespace cnn::data;

namespace {

const fs::path kFixtures = CNN_TEST_FIXTURES;

// A fresh temporary folder, removed when the test ends.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

void copy_fixture(const char* name, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(kFixtures / name, to, fs::copy_options::overwrite_existing);
}

ImageFolderOptions quiet(int size = 8) {
  ImageFolderOptions o;
  o.width = o.height = size;
  o.show_progress = false;
  return o;
}

// A folder with two classes, good images of several formats and one bad file of every kind.
void make_messy_folder(const fs::path& root) {
  copy_fixture("rgb.png", root / "with_mask/a.png");
  copy_fixture("progressive.jpg", root / "with_mask/b.jpg");
  copy_fixture("rgba.png", root / "with_mask/c.png");
  copy_fixture("rgb.webp", root / "with_mask/d.webp");
  write_file(root / "with_mask/e.jpg", "");  // zero bytes
  copy_fixture("palette.png", root / "without_mask/a.png");
  copy_fixture("rgb.bmp", root / "without_mask/b.bmp");
  write_file(root / "without_mask/notes.txt", "not an image\n");
  std::ifstream in(kFixtures / "baseline.jpg", std::ios::binary);
  std::string jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_file(root / "without_mask/truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
  write_file(root / "without_mask/.DS_Store", "hidden files are ignored");
}

}  // namespace

TEST_CASE("ImageFolder loads good files, skips and reports bad ones", "[data][folder]") {
  TempDir dir("cnn_test_folder_messy");
  make_messy_folder(dir.path);
  const ImageDataset ds = load_image_folder(dir.path.string(), quiet(12));

  CHECK(ds.classes == std::vector<std::string>{"with_mask", "without_mask"});
  CHECK(ds.size() == 5);
  CHECK(ds.labels == std::vector<int32_t>{0, 0, 0, 1, 1});
  CHECK(ds.width == 12);
  CHECK(ds.pixels.size() == 5 * 12 * 12 * 3);
  REQUIRE(ds.skipped.size() == 4);
  // Sorted by class then name.
  CHECK(fs::path(ds.skipped[0].path).filename() == "d.webp");
  CHECK(ds.skipped[0].reason == "WebP is not supported");
  CHECK(ds.skipped[1].reason == "empty file");
  CHECK(ds.skipped[2].reason == "not a supported image");
  CHECK(ds.skipped[3].reason.find("truncated") != std::string::npos);

  const std::string summary = skip_summary(ds, 2);
  CHECK(summary.find("skipped 4 of 9 files") == 0);
  CHECK(summary.find("d.webp") != std::string::npos);
  CHECK(summary.find("and 2 more") != std::string::npos);
}

TEST_CASE("ImageFolder: strict mode turns a skip into an error", "[data][folder]") {
  TempDir dir("cnn_test_folder_strict");
  make_messy_folder(dir.path);
  ImageFolderOptions o = quiet();
  o.strict = true;
  CHECK_THROWS_AS(load_image_folder(dir.path.string(), o), DataError);
}

TEST_CASE("ImageFolder: structural problems are errors that say what was expected",
          "[data][folder]") {
  TempDir dir("cnn_test_folder_errors");
  SECTION("missing folder") {
    CHECK_THROWS_WITH(
        load_image_folder((dir.path / "nope").string(), quiet()),
        Catch::Contains("does not exist") && Catch::Contains("one sub-folder per class"));
  }
  SECTION("a single class") {
    copy_fixture("rgb.png", dir.path / "with_mask/a.png");
    CHECK_THROWS_WITH(load_image_folder(dir.path.string(), quiet()),
                      Catch::Contains("1 class sub-folder") && Catch::Contains("at least 2"));
  }
  SECTION("an empty class folder") {
    copy_fixture("rgb.png", dir.path / "with_mask/a.png");
    fs::create_directories(dir.path / "without_mask");
    CHECK_THROWS_WITH(load_image_folder(dir.path.string(), quiet()),
                      Catch::Contains("without_mask") && Catch::Contains("no decodable image"));
  }
  SECTION("a class folder with only bad files") {
    copy_fixture("rgb.png", dir.path / "with_mask/a.png");
    copy_fixture("rgb.webp", dir.path / "without_mask/a.webp");
    CHECK_THROWS_AS(load_image_folder(dir.path.string(), quiet()), DataError);
  }
}

TEST_CASE("ImageFolder decodes identically with one or many threads", "[data][folder]") {
  TempDir dir("cnn_test_folder_threads");
  make_messy_folder(dir.path);
  ImageFolderOptions one = quiet(10), many = quiet(10);
  one.threads = 1;
  many.threads = 4;
  const ImageDataset a = load_image_folder(dir.path.string(), one);
  const ImageDataset b = load_image_folder(dir.path.string(), many);
  CHECK(a.pixels == b.pixels);
  CHECK(a.paths == b.paths);
}
