// Pascal VOC and YOLO folder readers on folders the tests write: good annotations convert to the
// documented box convention; each kind of bad annotation is skipped with its reason (and is an
// error under strict); splits, class lists and class discovery.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "cnn/data/detection_dataset.h"
#include "cnn/data/image.h"

namespace fs = std::filesystem;
using namespace cnn::data;
using cnn::detect::Box;

namespace {

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

void write_image(const fs::path& p, int w, int h) {
  fs::create_directories(p.parent_path());
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i * 7);
  REQUIRE(write_png(p.string(), img));
}

struct VocObject {
  std::string name, xmin, ymin, xmax, ymax;
  std::string difficult = "0";
};

// labelImg's layout; an empty field value leaves that element out.
std::string voc_xml(const std::string& filename, int w, int h,
                    const std::vector<VocObject>& objects) {
  std::string x = "<annotation>\n  <folder>images</folder>\n";
  if (!filename.empty()) x += "  <filename>" + filename + "</filename>\n";
  if (w > 0) {
    x += "  <size><width>" + std::to_string(w) + "</width><height>" + std::to_string(h) +
         "</height><depth>3</depth></size>\n";
  }
  for (const VocObject& o : objects) {
    x += "  <object>\n";
    if (!o.name.empty()) x += "    <name>" + o.name + "</name>\n";
    x += "    <pose>Unspecified</pose><truncated>0</truncated>\n";
    if (!o.difficult.empty()) x += "    <difficult>" + o.difficult + "</difficult>\n";
    x += "    <bndbox>";
    const std::pair<const char*, const std::string*> fields[] = {
        {"xmin", &o.xmin}, {"ymin", &o.ymin}, {"xmax", &o.xmax}, {"ymax", &o.ymax}};
    for (const auto& [tag, value] : fields) {
      if (!value->empty()) x += std::string("<") + tag + ">" + *value + "</" + tag + ">";
    }
    x += "</bndbox>\n  </object>\n";
  }
  return x + "</annotation>\n";
}

const std::vector<std::string> kClasses = {"with_mask", "without_mask", "mask_weared_incorrect"};

DetectionFolderOptions with_classes() {
  DetectionFolderOptions o;
  o.classes = kClasses;
  return o;
}

void check_box(const Box& b, float x1, float y1, float x2, float y2) {
  CHECK(b.x1 == x1);
  CHECK(b.y1 == y1);
  CHECK(b.x2 == x2);
  CHECK(b.y2 == y2);
}

// Three good images: a (two faces, one difficult), b (none), c (one face, overshooting the right
// edge by labelImg's one pixel).
void make_good_voc(const fs::path& root) {
  write_image(root / "images/a.png", 40, 30);
  write_file(root / "annotations/a.xml",
             voc_xml("a.png", 40, 30,
                     {{"with_mask", "1", "1", "10", "20"},
                      {"mask_weared_incorrect", "21", "5", "40", "30", "1"}}));
  write_image(root / "images/b.png", 20, 20);
  write_file(root / "annotations/b.xml", voc_xml("b.png", 20, 20, {}));
  // No <filename>, no <size>, no <difficult>: the image is found by name, the size read from it.
  write_image(root / "images/c.png", 30, 30);
  write_file(root / "annotations/c.xml",
             voc_xml("", 0, 0, {{"without_mask", "11.5", "3", "31", "12", ""}}));
}

std::map<std::string, std::string> reasons_by_file(const DetectionDataset& ds) {
  std::map<std::string, std::string> out;
  for (const SkippedFile& s : ds.skipped) out[fs::path(s.path).filename().string()] = s.reason;
  return out;
}

}  // namespace

TEST_CASE("VOC reader converts inclusive 1-based corners to continuous boxes", "[data][voc]") {
  TempDir dir("cnn_test_voc_good");
  make_good_voc(dir.path);
  const DetectionDataset ds = load_voc_folder(dir.path.string(), with_classes());
  CHECK(ds.classes == kClasses);
  CHECK(ds.skipped.empty());
  REQUIRE(ds.size() == 3);
  CHECK(ds.num_boxes() == 3);
  CHECK(ds.box_counts() == std::vector<size_t>{1, 1, 1});

  const DetectionSample& a = ds.samples[0];
  CHECK(fs::path(a.image_path).filename() == "a.png");
  CHECK(fs::path(a.annotation_path).filename() == "a.xml");
  CHECK(a.width == 40);
  CHECK(a.height == 30);
  REQUIRE(a.boxes.size() == 2);
  check_box(a.boxes[0].box, 0, 0, 10, 20);  // columns 1..10 (1-based) = [0, 10)
  CHECK(a.boxes[0].label == 0);
  CHECK_FALSE(a.boxes[0].difficult);
  check_box(a.boxes[1].box, 20, 4, 40, 30);  // ends exactly at the image's edges
  CHECK(a.boxes[1].label == 2);
  CHECK(a.boxes[1].difficult);

  CHECK(ds.samples[1].boxes.empty());
  CHECK(ds.samples[1].width == 20);

  const DetectionSample& c = ds.samples[2];
  CHECK(c.width == 30);
  REQUIRE(c.boxes.size() == 1);
  check_box(c.boxes[0].box, 10.5f, 2, 30, 12);  // xmax 31 overshoots by 1: clipped to 30
  CHECK(c.boxes[0].label == 1);

  // The sample's pixels come from its file, or from memory with keep_pixels.
  CHECK(a.pixels == nullptr);
  const DecodeResult img = load_sample_image(a);
  REQUIRE(img.ok());
  CHECK(img.image.width == 40);
  DetectionFolderOptions keep = with_classes();
  keep.keep_pixels = true;
  const DetectionDataset kept = load_voc_folder(dir.path.string(), keep);
  REQUIRE(kept.samples[0].pixels);
  CHECK(kept.samples[0].pixels->pixels == img.image.pixels);
  CHECK(load_sample_image(kept.samples[0]).image.pixels == img.image.pixels);
}

TEST_CASE("VOC reader: zero-based corners and class discovery", "[data][voc]") {
  TempDir dir("cnn_test_voc_options");
  make_good_voc(dir.path);
  DetectionFolderOptions o;
  o.zero_based = true;
  o.edge_tolerance = 2;
  const DetectionDataset ds = load_voc_folder(dir.path.string(), o);
  // Discovered: the sorted names found.
  CHECK(ds.classes ==
        std::vector<std::string>{"mask_weared_incorrect", "with_mask", "without_mask"});
  REQUIRE(ds.size() == 3);
  check_box(ds.samples[0].boxes[0].box, 1, 1, 11, 21);  // [xmin, xmax + 1)
  CHECK(ds.samples[0].boxes[0].label == 1);
  CHECK(ds.samples[0].boxes[1].label == 0);
}

TEST_CASE("VOC reader skips and reports every kind of bad annotation", "[data][voc]") {
  TempDir dir("cnn_test_voc_bad");
  make_good_voc(dir.path);
  const fs::path& root = dir.path;
  auto xml = [&](const std::string& stem, const std::string& text) {
    write_file(root / "annotations" / (stem + ".xml"), text);
  };
  auto image = [&](const std::string& stem, int w, int h) {
    write_image(root / "images" / (stem + ".png"), w, h);
  };
  xml("d_missing_image", voc_xml("nope.png", 40, 30, {{"with_mask", "1", "1", "5", "5"}}));
  image("e_outside", 40, 30);
  xml("e_outside",
      voc_xml("e_outside.png", 40, 30,
              {{"with_mask", "1", "1", "5", "5"}, {"with_mask", "30", "1", "45", "9"}}));
  image("f_zero", 40, 30);
  xml("f_zero", voc_xml("f_zero.png", 40, 30, {{"with_mask", "7", "1", "7", "9"}}));
  image("g_negative", 40, 30);
  xml("g_negative", voc_xml("g_negative.png", 40, 30, {{"with_mask", "9", "9", "8", "12"}}));
  image("h_unknown", 40, 30);
  xml("h_unknown", voc_xml("h_unknown.png", 40, 30, {{"hat", "1", "1", "5", "5"}}));
  image("i_malformed", 40, 30);
  xml("i_malformed",
      voc_xml("i_malformed.png", 40, 30, {{"with_mask", "1", "1", "5", "5"}}).substr(0, 150));
  image("j_no_ymax", 40, 30);
  xml("j_no_ymax", voc_xml("j_no_ymax.png", 40, 30, {{"with_mask", "1", "1", "5", ""}}));
  image("k_no_name", 40, 30);
  xml("k_no_name", voc_xml("k_no_name.png", 40, 30, {{"", "1", "1", "5", "5"}}));
  image("l_not_a_number", 40, 30);
  xml("l_not_a_number", voc_xml("l_not_a_number.png", 40, 30, {{"with_mask", "1", "a", "5", "5"}}));
  image("m_size_mismatch", 40, 30);
  xml("m_size_mismatch",
      voc_xml("m_size_mismatch.png", 100, 30, {{"with_mask", "1", "1", "5", "5"}}));
  write_file(root / "images/n_bad_image.png", "not an image at all");
  xml("n_bad_image", voc_xml("n_bad_image.png", 40, 30, {{"with_mask", "1", "1", "5", "5"}}));
  image("o_negative_corner", 40, 30);
  xml("o_negative_corner",
      voc_xml("o_negative_corner.png", 40, 30, {{"with_mask", "-4", "1", "5", "5"}}));
  xml("p_no_root", "<?xml version=\"1.0\"?><notes>hello</notes>");

  const DetectionDataset ds = load_voc_folder(root.string(), with_classes());
  CHECK(ds.size() == 3);  // a, b, c only
  const std::map<std::string, std::string> reasons = reasons_by_file(ds);
  CHECK(reasons == std::map<std::string, std::string>{
                       {"d_missing_image.xml", "missing image"},
                       {"e_outside.xml", "box outside the image"},
                       {"f_zero.xml", "box of zero or negative size"},
                       {"g_negative.xml", "box of zero or negative size"},
                       {"h_unknown.xml", "unknown label"},
                       {"i_malformed.xml", "malformed XML"},
                       {"j_no_ymax.xml", "missing field"},
                       {"k_no_name.xml", "missing field"},
                       {"l_not_a_number.xml", "bad number"},
                       {"m_size_mismatch.xml", "image size differs from the annotation"},
                       {"n_bad_image.png", "not a supported image"},
                       {"o_negative_corner.xml", "box outside the image"},
                       {"p_no_root.xml", "missing field"},
                   });
  // Details say which object and what was wrong.
  for (const SkippedFile& s : ds.skipped) {
    if (fs::path(s.path).filename() == "e_outside.xml") {
      CHECK(s.detail == "object 2 (with_mask): [29,0,45,9] in a 40x30 image");
    }
    if (fs::path(s.path).filename() == "h_unknown.xml") {
      CHECK(s.detail ==
            "object 1: 'hat' is not one of with_mask, without_mask, mask_weared_incorrect");
    }
    if (fs::path(s.path).filename() == "j_no_ymax.xml") {
      CHECK(s.detail == "object 1: no <ymax> in <bndbox>");
    }
  }
  const std::string summary = skip_summary(ds, 3);
  CHECK(summary.find("skipped 13 of 16 annotated images: ") == 0);
  CHECK(summary.find("2 x box of zero or negative size") != std::string::npos);
  CHECK(summary.find("3 x missing field") != std::string::npos);
  CHECK(summary.find("d_missing_image.xml: missing image (") != std::string::npos);
  CHECK(summary.find("... and 10 more") != std::string::npos);

  DetectionFolderOptions strict = with_classes();
  strict.strict = true;
  CHECK_THROWS_AS(load_voc_folder(root.string(), strict), DataError);
  CHECK_THROWS_WITH(load_voc_folder(root.string(), strict),
                    Catch::StartsWith("--strict: skipped 13 of 16 annotated images"));
}

TEST_CASE("VOC reader: a bad image is caught by the full decode, not by the header alone",
          "[data][voc]") {
  TempDir dir("cnn_test_voc_truncated");
  make_good_voc(dir.path);
  // A PNG cut short: the header is fine, the pixels are not.
  std::ifstream in(dir.path / "images/a.png", std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_file(dir.path / "images/t.png", png.substr(0, 60));
  write_file(dir.path / "annotations/t.xml", voc_xml("t.png", 40, 30, {}));
  DetectionFolderOptions o = with_classes();
  const DetectionDataset verified = load_voc_folder(dir.path.string(), o);
  REQUIRE(verified.skipped.size() == 1);
  CHECK(fs::path(verified.skipped[0].path).filename() == "t.png");
  o.verify_images = false;
  const DetectionDataset header_only = load_voc_folder(dir.path.string(), o);
  CHECK(header_only.skipped.empty());
  CHECK(header_only.size() == 4);
}

TEST_CASE("VOC reader: splits and structural errors", "[data][voc]") {
  TempDir dir("cnn_test_voc_split");
  make_good_voc(dir.path);
  write_file(dir.path / "splits/train.txt", "c\n\na\n# comment\nmissing\n");
  DetectionFolderOptions o = with_classes();
  o.split = "train";
  const DetectionDataset ds = load_voc_folder(dir.path.string(), o);
  REQUIRE(ds.size() == 2);
  CHECK(fs::path(ds.samples[0].image_path).filename() == "c.png");  // the split's order
  CHECK(fs::path(ds.samples[1].image_path).filename() == "a.png");
  REQUIRE(ds.skipped.size() == 1);
  CHECK(ds.skipped[0].reason == "missing annotation");

  o.split = "val";
  CHECK_THROWS_WITH(load_voc_folder(dir.path.string(), o), Catch::Contains("val.txt"));
  CHECK_THROWS_WITH(load_voc_folder((dir.path / "nope").string(), with_classes()),
                    Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(load_detection_folder((dir.path / "images").string(), with_classes()),
                    Catch::Contains("neither a Pascal VOC folder"));
  // Every annotation bad: nothing to train on is an error, with the reasons.
  TempDir empty("cnn_test_voc_nothing");
  write_image(empty.path / "images/a.png", 10, 10);
  write_file(empty.path / "annotations/a.xml",
             voc_xml("a.png", 10, 10, {{"x", "1", "1", "2", "2"}}));
  CHECK_THROWS_WITH(
      load_voc_folder(empty.path.string(), with_classes()),
      Catch::Contains("no usable annotated image") && Catch::Contains("unknown label"));
}

TEST_CASE("YOLO reader converts normalised centre boxes and reports bad lines", "[data][yolo]") {
  TempDir dir("cnn_test_yolo");
  const fs::path& root = dir.path;
  write_file(root / "classes.txt", "with_mask\nwithout_mask\nmask_weared_incorrect\n");
  write_image(root / "images/a.png", 40, 20);
  write_file(root / "labels/a.txt", "0 0.25 0.5 0.5 1\n\n2 0.875 0.25 0.25 0.5\n");
  write_image(root / "images/b.png", 10, 10);                // no label file: no objects
  write_file(root / "labels/c.txt", "0 0.5 0.5 0.1 0.1\n");  // no image
  write_image(root / "images/d.png", 10, 10);
  write_file(root / "labels/d.txt", "3 0.5 0.5 0.1 0.1\n");  // class 3 of 3
  write_image(root / "images/e.png", 10, 10);
  write_file(root / "labels/e.txt", "1 0.5 0.5 0 0.1\n");
  write_image(root / "images/f.png", 10, 10);
  write_file(root / "labels/f.txt", "1 0.9 0.5 0.8 0.1\n");  // right edge at 1.3
  write_image(root / "images/g.png", 10, 10);
  write_file(root / "labels/g.txt", "1 0.5 0.5\n");
  write_image(root / "images/h.png", 10, 10);
  write_file(root / "labels/h.txt", "1 0.5 x 0.1 0.1\n");
  write_image(root / "images/i.png", 10, 10);
  write_file(root / "labels/i.txt", "1.5 0.5 0.5 0.1 0.1\n");

  const DetectionDataset ds = load_detection_folder(root.string());
  CHECK(ds.classes == kClasses);
  REQUIRE(ds.size() == 2);
  const DetectionSample& a = ds.samples[0];
  REQUIRE(a.boxes.size() == 2);
  check_box(a.boxes[0].box, 0, 0, 20, 20);
  CHECK(a.boxes[0].label == 0);
  check_box(a.boxes[1].box, 30, 0, 40, 10);
  CHECK(a.boxes[1].label == 2);
  CHECK(ds.samples[1].boxes.empty());
  CHECK(ds.samples[1].annotation_path.empty());

  CHECK(reasons_by_file(ds) == std::map<std::string, std::string>{
                                   {"c.txt", "missing image"},
                                   {"d.txt", "unknown label"},
                                   {"e.txt", "box of zero or negative size"},
                                   {"f.txt", "box outside the image"},
                                   {"g.txt", "malformed label line"},
                                   {"h.txt", "bad number"},
                                   {"i.txt", "malformed label line"},
                               });
  DetectionFolderOptions strict;
  strict.strict = true;
  CHECK_THROWS_AS(load_yolo_folder(root.string(), strict), DataError);

  // Without a class list a YOLO folder cannot name its labels.
  fs::remove(root / "classes.txt");
  CHECK_THROWS_WITH(load_yolo_folder(root.string()), Catch::Contains("classes.txt"));
  DetectionFolderOptions named;
  named.classes = {"a", "b", "c", "d"};
  const DetectionDataset four = load_yolo_folder(root.string(), named);
  CHECK(four.size() == 3);  // class 3 is known now
}
