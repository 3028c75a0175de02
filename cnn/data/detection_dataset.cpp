// Pascal VOC and YOLO folder readers (see detection_dataset.h for the conventions).
//
// Two passes: a parallel one reads each annotation file (pugixml for XML) and checks its image
// (header or full decode), keeping names and coordinates as written; a sequential one maps names
// to labels (class discovery needs every file) and validates and converts the boxes.
#include "cnn/data/detection_dataset.h"

#include <stb_image.h>
#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cnn/data/progress_bar.h"

namespace fs = std::filesystem;

namespace cnn::data {

std::vector<std::string> face_mask_classes() {
  return {"with_mask", "without_mask", "mask_weared_incorrect"};
}

size_t DetectionDataset::num_boxes() const {
  size_t n = 0;
  for (const DetectionSample& s : samples) n += s.boxes.size();
  return n;
}

std::vector<size_t> DetectionDataset::box_counts() const {
  std::vector<size_t> counts(classes.size(), 0);
  for (const DetectionSample& s : samples) {
    for (const AnnotatedBox& b : s.boxes) ++counts.at(static_cast<size_t>(b.label));
  }
  return counts;
}

std::string skip_summary(const DetectionDataset& dataset, size_t max_paths) {
  return skip_summary(dataset.skipped, dataset.size(), "annotated images", max_paths);
}

DecodeResult load_sample_image(const DetectionSample& sample) {
  if (sample.pixels) {
    DecodeResult r;
    r.image = *sample.pixels;
    return r;
  }
  return decode_image_file(sample.image_path);
}

namespace {

const char* const kImageExtensions[] = {".jpg", ".jpeg", ".png", ".bmp", ".JPG", ".JPEG", ".PNG"};

bool hidden(const fs::path& p) {
  return p.filename().string().rfind('.', 0) == 0;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The whole (trimmed) text as a finite number, or false.
bool parse_number(const std::string& text, double* value) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && std::isfinite(*value);
}

std::string fmt(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// Non-empty, non-comment lines of a text file, trimmed. DataError if it cannot be read.
std::vector<std::string> read_lines(const fs::path& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw DataError("cannot read " + what + " '" + path.string() + "'");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

void require_directory(const fs::path& dir, const std::string& expected) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw DataError("'" + dir.string() + "' does not exist or is not a directory (" + expected +
                    ")");
  }
}

// Sorted stems of the regular, non-hidden files in `dir` whose extension is in `extensions`.
std::map<std::string, fs::path> files_by_stem(const fs::path& dir,
                                              const std::vector<std::string>& extensions) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || hidden(e.path())) continue;
    const std::string ext = e.path().extension().string();
    if (std::find(extensions.begin(), extensions.end(), ext) == extensions.end()) continue;
    out.emplace(e.path().stem().string(), e.path());  // first extension wins on a clash
  }
  if (ec) throw DataError("cannot list '" + dir.string() + "': " + ec.message());
  return out;
}

std::vector<std::string> image_extensions() {
  return {std::begin(kImageExtensions), std::end(kImageExtensions)};
}

fs::path find_image(const fs::path& images_dir, const std::string& stem) {
  for (const char* ext : kImageExtensions) {
    const fs::path p = images_dir / (stem + ext);
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return {};
}

// An object as written in the annotation, before labels and the image size are known.
struct RawObject {
  std::string name;   // VOC: the <name>; YOLO: the class index as written
  double a, b, c, d;  // VOC: xmin ymin xmax ymax; YOLO: cx cy w h (normalised)
  bool difficult = false;
};

// One annotated image after pass 1: either a skip or the annotation plus the image's size.
struct RawItem {
  std::string annotation_path;
  std::string image_path;
  int width = 0, height = 0;
  int declared_width = 0, declared_height = 0;  // VOC <size>, 0 when absent
  std::vector<RawObject> objects;
  std::shared_ptr<const RgbImage> pixels;  // kept from the verifying decode (keep_pixels)
  bool skipped = false;
  SkippedFile skip;

  void fail(const std::string& path, const std::string& reason, const std::string& detail) {
    skipped = true;
    skip = {path, reason, detail};
  }
};

// Runs fn(i) for i in [0, n) on `threads` threads (0: all hardware threads), with an optional
// progress bar polled by the calling thread (as ImageFolder does).
void parallel_for(size_t n, int threads, bool show_progress, const char* label,
                  const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0}, done{0};
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const size_t n_threads =
      std::min<size_t>(threads > 0 ? static_cast<size_t>(threads) : hw, std::max<size_t>(n, 1));
  std::vector<std::thread> workers;
  for (size_t t = 0; t < n_threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) {
        fn(i);
        done.fetch_add(1);
      }
    });
  }
  if (show_progress) {
    ProgressBar bar(label, n);
    while (done.load() < n) {
      bar.update(done.load());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    bar.finish();
  }
  for (std::thread& w : workers) w.join();
}

// Fills item.width/height from the image (full decode or header), or marks the item skipped.
void check_image(RawItem& item, bool verify, bool keep) {
  if (item.image_path.empty()) return;
  if (verify || keep) {
    DecodeResult r = decode_image_file(item.image_path);
    if (!r.ok()) return item.fail(item.image_path, r.skip_reason, "");
    item.width = r.image.width;
    item.height = r.image.height;
    if (keep) item.pixels = std::make_shared<const RgbImage>(std::move(r.image));
    return;
  }
  int w = 0, h = 0, channels = 0;
  if (!stbi_info(item.image_path.c_str(), &w, &h, &channels)) {
    std::error_code ec;
    return item.fail(
        item.image_path,
        fs::is_regular_file(item.image_path, ec) ? "not a supported image" : "missing image", "");
  }
  item.width = w;
  item.height = h;
}

// ---------------------------------------------------------------------------------------------
// Pascal VOC

// Reads one XML file into item (names and corners as written) and finds its image.
void read_voc_annotation(const fs::path& xml, const fs::path& images_dir, RawItem& item) {
  item.annotation_path = xml.string();
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_file(xml.c_str());
  if (!parsed) {
    std::error_code ec;
    if (!fs::is_regular_file(xml, ec)) {
      return item.fail(item.annotation_path, "missing annotation", "");
    }
    return item.fail(
        item.annotation_path, "malformed XML",
        std::string(parsed.description()) + " at byte " + std::to_string(parsed.offset));
  }
  const pugi::xml_node annotation = doc.child("annotation");
  if (!annotation) {
    return item.fail(item.annotation_path, "missing field", "no <annotation> root element");
  }
  if (const pugi::xml_node size = annotation.child("size")) {
    double w = 0, h = 0;
    if (!parse_number(size.child_value("width"), &w) ||
        !parse_number(size.child_value("height"), &h) || w < 0 || h < 0) {
      return item.fail(item.annotation_path, "bad number",
                       "<size> has width '" + trim(size.child_value("width")) + "', height '" +
                           trim(size.child_value("height")) + "'");
    }
    // labelImg writes 0 when it did not know the size: then only the image says it.
    item.declared_width = static_cast<int>(w);
    item.declared_height = static_cast<int>(h);
  }
  int index = 0;
  for (const pugi::xml_node object : annotation.children("object")) {
    ++index;
    const std::string where = "object " + std::to_string(index);
    RawObject o;
    const pugi::xml_node name = object.child("name");
    o.name = trim(name.child_value());
    if (!name || o.name.empty())
      return item.fail(item.annotation_path, "missing field", where + ": no <name>");
    const pugi::xml_node box = object.child("bndbox");
    if (!box) return item.fail(item.annotation_path, "missing field", where + ": no <bndbox>");
    double* corners[] = {&o.a, &o.b, &o.c, &o.d};
    const char* tags[] = {"xmin", "ymin", "xmax", "ymax"};
    for (int k = 0; k < 4; ++k) {
      const pugi::xml_node v = box.child(tags[k]);
      if (!v) {
        return item.fail(item.annotation_path, "missing field",
                         where + ": no <" + tags[k] + "> in <bndbox>");
      }
      if (!parse_number(v.child_value(), corners[k])) {
        return item.fail(item.annotation_path, "bad number",
                         where + ": <" + tags[k] + "> is '" + trim(v.child_value()) + "'");
      }
    }
    if (const pugi::xml_node d = object.child("difficult")) {
      const std::string t = trim(d.child_value());
      if (t != "0" && t != "1") {
        return item.fail(item.annotation_path, "bad number",
                         where + ": <difficult> is '" + t + "'");
      }
      o.difficult = t == "1";
    }
    item.objects.push_back(std::move(o));
  }
  // The image: the <filename> the XML names, else one named like the XML file.
  const std::string filename = trim(annotation.child_value("filename"));
  fs::path image;
  std::error_code ec;
  if (!filename.empty() && fs::is_regular_file(images_dir / filename, ec)) {
    image = images_dir / filename;
  } else {
    image = find_image(images_dir, xml.stem().string());
  }
  if (image.empty()) {
    const std::string wanted = filename.empty() ? xml.stem().string() + ".{jpg,png,...}" : filename;
    return item.fail(item.annotation_path, "missing image",
                     (images_dir / wanted).string() + " not found");
  }
  item.image_path = image.string();
}

// ---------------------------------------------------------------------------------------------
// YOLO

// Reads one label file (`class cx cy w h` per line) into item; a missing file means no objects.
void read_yolo_labels(const fs::path& txt, RawItem& item) {
  std::error_code ec;
  if (txt.empty() || !fs::exists(txt, ec)) return;
  item.annotation_path = txt.string();
  std::ifstream in(txt);
  if (!in) return item.fail(item.annotation_path, "unreadable annotation", "");
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    line = trim(line);
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    const std::string where = "line " + std::to_string(line_no);
    if (f.size() != 5) {
      return item.fail(item.annotation_path, "malformed label line",
                       where + ": expected 'class cx cy w h', got '" + line + "'");
    }
    RawObject o;
    o.name = f[0];
    double* values[] = {&o.a, &o.b, &o.c, &o.d};
    for (int k = 0; k < 4; ++k) {
      if (!parse_number(f[k + 1], values[k])) {
        return item.fail(item.annotation_path, "bad number",
                         where + ": '" + f[k + 1] + "' is not a number");
      }
    }
    item.objects.push_back(std::move(o));
  }
}

// ---------------------------------------------------------------------------------------------
// Pass 2: labels, validation, conversion.

enum class Format { voc, yolo };

// Converts and validates item's objects into sample.boxes; false (with item.skip set) when the
// annotation is bad.
bool convert_boxes(RawItem& item, Format format, const std::vector<std::string>& classes,
                   const DetectionFolderOptions& options, DetectionSample* sample) {
  const double W = item.width, H = item.height;
  const double tol = options.edge_tolerance;
  int index = 0;
  for (const RawObject& o : item.objects) {
    ++index;
    const std::string where = (format == Format::voc ? "object " : "box ") + std::to_string(index);
    int32_t label = -1;
    double x1, y1, x2, y2;
    if (format == Format::voc) {
      const auto it = std::find(classes.begin(), classes.end(), o.name);
      if (it == classes.end()) {
        std::string known;
        for (const std::string& c : classes) known += (known.empty() ? "" : ", ") + c;
        item.fail(item.annotation_path, "unknown label",
                  where + ": '" + o.name + "' is not one of " + known);
        return false;
      }
      label = static_cast<int32_t>(it - classes.begin());
      // Equal corners are a click in the annotation tool, not a drawn box.
      if (o.c <= o.a || o.d <= o.b) {
        item.fail(item.annotation_path, "box of zero or negative size",
                  where + " (" + o.name + "): xmin " + fmt(o.a) + " xmax " + fmt(o.c) + ", ymin " +
                      fmt(o.b) + " ymax " + fmt(o.d));
        return false;
      }
      const double shift = options.zero_based ? 0.0 : 1.0;  // inclusive 1-based -> continuous
      x1 = o.a - shift, y1 = o.b - shift, x2 = o.c + 1.0 - shift, y2 = o.d + 1.0 - shift;
    } else {
      double cls = -1;
      if (!parse_number(o.name, &cls) || cls != std::floor(cls)) {
        item.fail(item.annotation_path, "malformed label line",
                  where + ": class '" + o.name + "' is not an integer");
        return false;
      }
      if (cls < 0 || cls >= static_cast<double>(classes.size())) {
        item.fail(item.annotation_path, "unknown label",
                  where + ": class " + o.name + ", the folder has " +
                      std::to_string(classes.size()) + " classes");
        return false;
      }
      label = static_cast<int32_t>(cls);
      if (o.c <= 0 || o.d <= 0) {
        item.fail(item.annotation_path, "box of zero or negative size",
                  where + ": w " + fmt(o.c) + " h " + fmt(o.d));
        return false;
      }
      x1 = (o.a - o.c / 2) * W, x2 = (o.a + o.c / 2) * W;
      y1 = (o.b - o.d / 2) * H, y2 = (o.b + o.d / 2) * H;
    }
    const detect::Box raw{static_cast<float>(x1), static_cast<float>(y1), static_cast<float>(x2),
                          static_cast<float>(y2)};
    const detect::Box clipped = detect::clip(raw, static_cast<float>(W), static_cast<float>(H));
    if (x1 < -tol || y1 < -tol || x2 > W + tol || y2 > H + tol || detect::area(clipped) <= 0) {
      item.fail(item.annotation_path, "box outside the image",
                where + " (" + classes[static_cast<size_t>(label)] + "): " + detect::box_str(raw) +
                    " in a " + std::to_string(item.width) + "x" + std::to_string(item.height) +
                    " image");
      return false;
    }
    sample->boxes.push_back({clipped, label, o.difficult});
  }
  return true;
}

DetectionDataset finish(std::vector<RawItem>& items, Format format,
                        std::vector<std::string> classes, const std::string& root,
                        const DetectionFolderOptions& options) {
  DetectionDataset ds;
  if (classes.empty()) {  // VOC discovery: every name found, sorted
    std::set<std::string> names;
    for (const RawItem& item : items) {
      if (item.skipped) continue;
      for (const RawObject& o : item.objects) names.insert(o.name);
    }
    classes.assign(names.begin(), names.end());
  }
  ds.classes = classes;
  for (RawItem& item : items) {
    if (!item.skipped && item.declared_width > 0 && item.declared_height > 0 &&
        (item.declared_width != item.width || item.declared_height != item.height)) {
      item.fail(item.annotation_path, "image size differs from the annotation",
                "<size> says " + std::to_string(item.declared_width) + "x" +
                    std::to_string(item.declared_height) + ", " + item.image_path + " is " +
                    std::to_string(item.width) + "x" + std::to_string(item.height));
    }
    DetectionSample sample;
    if (!item.skipped && convert_boxes(item, format, ds.classes, options, &sample)) {
      sample.image_path = item.image_path;
      sample.annotation_path = item.annotation_path;
      sample.width = item.width;
      sample.height = item.height;
      sample.pixels = std::move(item.pixels);
      ds.samples.push_back(std::move(sample));
    } else {
      ds.skipped.push_back(item.skip);
    }
  }
  if (options.strict && !ds.skipped.empty()) {
    throw DataError("--strict: " + skip_summary(ds));
  }
  if (ds.samples.empty()) {
    throw DataError(
        "no usable annotated image in '" + root + "'" +
        (ds.skipped.empty() ? std::string(" (the folder has none)") : "\n" + skip_summary(ds)));
  }
  return ds;
}

std::vector<std::string> class_names(const fs::path& root, const DetectionFolderOptions& options,
                                     bool required) {
  if (!options.classes.empty()) return options.classes;
  for (const char* name : {"classes.txt", "obj.names"}) {
    std::error_code ec;
    if (fs::is_regular_file(root / name, ec)) return read_lines(root / name, "class list");
  }
  if (required) {
    throw DataError("YOLO folder '" + root.string() +
                    "' has no classes.txt (or obj.names): one class name per line, line i "
                    "naming class index i");
  }
  return {};
}

std::vector<std::string> split_stems(const fs::path& root, const std::string& split) {
  const fs::path file = root / "splits" / (split + ".txt");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw DataError("split '" + split + "': '" + file.string() + "' does not exist");
  }
  return read_lines(file, "split file");
}

}  // namespace

DetectionDataset load_voc_folder(const std::string& root, const DetectionFolderOptions& options) {
  const fs::path dir(root);
  require_directory(dir, "expected a Pascal VOC folder with annotations/ and images/");
  const fs::path annotations = dir / "annotations", images = dir / "images";
  require_directory(annotations, "a Pascal VOC folder keeps one XML file per image there");
  require_directory(images, "a Pascal VOC folder keeps the photographs there");
  const std::vector<std::string> classes = class_names(dir, options, false);

  std::vector<fs::path> xml_files;
  if (options.split.empty()) {
    for (const auto& [stem, path] : files_by_stem(annotations, {".xml"})) xml_files.push_back(path);
  } else {
    for (const std::string& stem : split_stems(dir, options.split)) {
      xml_files.push_back(annotations / (stem + ".xml"));
    }
  }
  std::vector<RawItem> items(xml_files.size());
  parallel_for(items.size(), options.threads, options.show_progress, "reading annotations",
               [&](size_t i) {
                 read_voc_annotation(xml_files[i], images, items[i]);
                 if (!items[i].skipped)
                   check_image(items[i], options.verify_images, options.keep_pixels);
               });
  return finish(items, Format::voc, classes, root, options);
}

DetectionDataset load_yolo_folder(const std::string& root, const DetectionFolderOptions& options) {
  const fs::path dir(root);
  require_directory(dir, "expected a YOLO folder with images/ and labels/");
  const fs::path images = dir / "images", labels = dir / "labels";
  require_directory(images, "a YOLO folder keeps the photographs there");
  require_directory(labels, "a YOLO folder keeps one NAME.txt per image there");
  const std::vector<std::string> classes = class_names(dir, options, true);

  const std::map<std::string, fs::path> image_files = files_by_stem(images, image_extensions());
  const std::map<std::string, fs::path> label_files = files_by_stem(labels, {".txt"});
  std::vector<std::string> stems;
  if (options.split.empty()) {
    std::set<std::string> all;
    for (const auto& kv : image_files) all.insert(kv.first);
    for (const auto& kv : label_files) all.insert(kv.first);
    stems.assign(all.begin(), all.end());
  } else {
    stems = split_stems(dir, options.split);
  }
  std::vector<RawItem> items(stems.size());
  parallel_for(items.size(), options.threads, options.show_progress, "reading labels",
               [&](size_t i) {
                 RawItem& item = items[i];
                 const auto label = label_files.find(stems[i]);
                 if (label != label_files.end()) read_yolo_labels(label->second, item);
                 if (item.skipped) return;
                 const auto image = image_files.find(stems[i]);
                 if (image == image_files.end()) {
                   const std::string wanted = (images / stems[i]).string() + ".{jpg,png,...}";
                   return item.fail(item.annotation_path.empty() ? wanted : item.annotation_path,
                                    "missing image", wanted + " not found");
                 }
                 item.image_path = image->second.string();
                 check_image(item, options.verify_images, options.keep_pixels);
               });
  return finish(items, Format::yolo, classes, root, options);
}

DetectionDataset load_detection_folder(const std::string& root,
                                       const DetectionFolderOptions& options) {
  std::error_code ec;
  if (fs::is_directory(fs::path(root) / "annotations", ec)) return load_voc_folder(root, options);
  if (fs::is_directory(fs::path(root) / "labels", ec)) return load_yolo_folder(root, options);
  throw DataError("'" + root +
                  "' is neither a Pascal VOC folder (annotations/ + images/) nor a YOLO folder "
                  "(labels/ + images/ + classes.txt)");
}

}  // namespace cnn::data
