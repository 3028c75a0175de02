// `mask-classifier crops`: the cross-source test set. Cuts the labelled face boxes of a Pascal VOC
// detection folder (e.g. ../shared/data/facemask-detect) into an ImageFolder, <out>/<label>/, so a
// classifier trained on one source can be measured on photographs from another.
//
// Choices that matter:
//   - The VOC reader (cnn/data/detection_dataset.h) reads the folder with every label it finds, so
//     a label outside --labels (mask_weared_incorrect) only drops its box, never its image. What
//     the reader skips (bad XML, missing image, bad box) is skipped whole and reported.
//   - A box is left out when its width or height is below --min-size pixels, measured on the box
//     as annotated (continuous pixels, VOC's inclusive corners: xmin 1, xmax 32 is 32 px wide),
//     before any margin.
//   - The crop is the box padded by --margin times the box's width on the left and right and
//     times its height above and below, widened to whole pixels (floor of the top-left corner,
//     ceil of the bottom-right) and clipped to the image. Crops keep the box's aspect ratio;
//     classifiers resize them anyway.
//   - Crops are lossless PNG named <image-stem>_<index>.png, index = the box's position among the
//     <object>s of its XML (0-based), so a crop can be traced back to its annotation.
//   - --out must be empty (or absent) unless --force, which replaces only what this command writes
//     there: the <out>/<label>/ folders of --labels and crops.json.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cnn/data/detection_dataset.h"
#include "cnn/data/image.h"
#include "commands.h"
#include "common/cli_checks.h"
#include "common/exit_codes.h"
#include "common/face_crop.h"
#include "common/run_dir.h"

namespace fs = std::filesystem;

namespace mask_classifier {
namespace {

using example_common::InputError;

nlohmann::json box_json(const cnn::detect::Box& b) {
  return {b.x1, b.y1, b.x2, b.y2};
}

void check_labels(const std::vector<std::string>& labels, example_common::ValueChecks& checks) {
  checks.require(!labels.empty(), "--labels needs at least one label");
  std::set<std::string> seen;
  for (const std::string& label : labels) {
    const bool usable_as_folder =
        !label.empty() && label != "." && label != ".." && label.find('/') == std::string::npos;
    checks.require(usable_as_folder, "--labels: '" + label + "' cannot be a folder name");
    checks.require(seen.insert(label).second, "--labels names '" + label + "' twice");
  }
}

// Refuses a non-empty --out unless --force (checked before the slow reading; nothing is
// removed or created yet).
void check_output(const CropsOptions& o) {
  std::error_code ec;
  const fs::path out(o.out);
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) throw InputError("--out '" + o.out + "' is not a directory");
    if (!fs::is_empty(out, ec) && !o.force) {
      throw InputError("--out '" + o.out +
                       "' is not empty; pass --force to replace the crops written there");
    }
  }
  example_common::check_output_directory(o.out);
}

// Creates --out and its label folders; with --force, first removes what a previous run wrote.
void prepare_output(const CropsOptions& o) {
  const fs::path out(o.out);
  if (o.force) {
    for (const std::string& label : o.labels) fs::remove_all(out / label);
    fs::remove(out / "crops.json");
  }
  example_common::create_output_directory(o.out);
  for (const std::string& label : o.labels) {
    example_common::create_output_directory((out / label).string());
  }
}

struct LabelCounts {
  size_t written = 0;
  size_t too_small = 0;
};

}  // namespace

int run_crops(const CropsOptions& o) {
  example_common::ValueChecks checks;
  checks.number_at_least("--margin", o.margin, 0.0);
  checks.at_least("--min-size", o.min_size, 0);
  check_labels(o.labels, checks);
  checks.throw_if_failed();
  check_output(o);

  cnn::data::DetectionFolderOptions read;
  read.strict = o.strict;
  const cnn::data::DetectionDataset ds = cnn::data::load_voc_folder(o.voc, read);
  for (const std::string& label : o.labels) {
    if (std::find(ds.classes.begin(), ds.classes.end(), label) == ds.classes.end()) {
      std::string found;
      for (const std::string& c : ds.classes) found += (found.empty() ? "" : ", ") + c;
      throw InputError("--labels: '" + label + "' is not a label of the annotations in '" + o.voc +
                       "' (found: " + found + ")");
    }
  }

  prepare_output(o);

  std::map<std::string, LabelCounts> counts;
  for (const std::string& label : o.labels) counts[label] = {};
  std::map<std::string, size_t> left_out;  // boxes of labels not in --labels
  std::vector<cnn::data::SkippedFile> skipped = ds.skipped;
  std::map<std::string, std::string> written_by;  // crop file -> annotation (name clashes)
  nlohmann::json crops = nlohmann::json::array(), too_small = nlohmann::json::array();
  size_t images_used = 0;

  for (const cnn::data::DetectionSample& sample : ds.samples) {
    cnn::data::DecodeResult decoded;  // decoded on the first kept box only
    bool used = false;
    const std::string stem = fs::path(sample.image_path).stem().string();
    for (size_t i = 0; i < sample.boxes.size(); ++i) {
      const cnn::data::AnnotatedBox& b = sample.boxes[i];
      const std::string& label = ds.classes[static_cast<size_t>(b.label)];
      const auto wanted = counts.find(label);
      if (wanted == counts.end()) {
        ++left_out[label];
        continue;
      }
      if (b.box.width() < o.min_size || b.box.height() < o.min_size) {
        ++wanted->second.too_small;
        too_small.push_back({{"image", sample.image_path},
                             {"index", i},
                             {"label", label},
                             {"box", box_json(b.box)}});
        continue;
      }
      if (!used) {
        decoded = cnn::data::load_sample_image(sample);
        if (!decoded.ok()) {  // the reader checked it; the file changed since
          skipped.emplace_back(sample.image_path, decoded.skip_reason);
          if (o.strict)
            throw cnn::data::DataError("--strict: " + sample.image_path + ": " +
                                       decoded.skip_reason);
          break;
        }
        used = true;
      }
      const std::string file = label + "/" + stem + "_" + std::to_string(i) + ".png";
      const auto [clash, fresh] = written_by.emplace(file, sample.annotation_path);
      if (!fresh) {
        throw InputError("two annotations name the same image stem '" + stem + "' (" +
                         clash->second + " and " + sample.annotation_path + ")");
      }
      const example_common::PixelRect r =
          example_common::crop_rect(b.box, o.margin, sample.width, sample.height);
      if (!cnn::data::write_png((fs::path(o.out) / file).string(),
                                example_common::cut(decoded.image, r))) {
        throw std::runtime_error("cannot write '" + (fs::path(o.out) / file).string() + "'");
      }
      ++wanted->second.written;
      crops.push_back({{"file", file},
                       {"label", label},
                       {"image", sample.image_path},
                       {"annotation", sample.annotation_path},
                       {"image_size", {sample.width, sample.height}},
                       {"index", i},
                       {"difficult", b.difficult},
                       {"box", box_json(b.box)},
                       {"crop", {r.x0, r.y0, r.x1, r.y1}}});
    }
    if (used) ++images_used;
  }

  nlohmann::json j;
  j["command"] = "crops";
  j["options"] = {{"voc", o.voc},           {"out", o.out},       {"margin", o.margin},
                  {"min_size", o.min_size}, {"labels", o.labels}, {"strict", o.strict}};
  j["rule"] =
      "box = VOC corners in continuous pixels (xmin 1 = x 0); boxes narrower or shorter than "
      "min_size px left out; crop = box padded by margin * box width left and right and margin * "
      "box height above and below, floor/ceil to whole pixels, clipped to the image; crop is "
      "[x0, y0, x1, y1) in pixels";
  for (const auto& [label, c] : counts) {
    j["counts"][label] = {{"written", c.written}, {"too_small", c.too_small}};
  }
  j["left_out_labels"] = nlohmann::json::object();
  for (const auto& [label, n] : left_out) j["left_out_labels"][label] = n;
  j["images_read"] = ds.samples.size();
  j["images_with_crops"] = images_used;
  j["skipped_files"] = nlohmann::json::array();
  for (const cnn::data::SkippedFile& s : skipped) {
    j["skipped_files"].push_back({{"path", s.path}, {"reason", s.reason}, {"detail", s.detail}});
  }
  j["crops"] = std::move(crops);
  j["too_small"] = std::move(too_small);
  example_common::write_json_file((fs::path(o.out) / "crops.json").string(), j);

  size_t total = 0;
  for (const std::string& label : o.labels) {
    const LabelCounts& c = counts[label];
    total += c.written;
    std::printf("%s: %zu written, %zu skipped as smaller than %d px\n", label.c_str(), c.written,
                c.too_small, o.min_size);
  }
  for (const auto& [label, n] : left_out) {
    std::printf("%s: %zu boxes left out (not in --labels)\n", label.c_str(), n);
  }
  if (skipped.empty()) {
    std::printf("no annotation or image skipped (%zu annotated images read)\n", ds.samples.size());
  } else {
    const size_t decoded_late = skipped.size() - ds.skipped.size();  // failed after the reader
    std::printf(
        "%s", cnn::data::skip_summary(skipped, ds.samples.size() - decoded_late, "annotated images")
                  .c_str());
  }
  std::printf("wrote %zu crops (margin %g, min size %d px) to %s; list in %s\n", total, o.margin,
              o.min_size, o.out.c_str(), (fs::path(o.out) / "crops.json").string().c_str());
  return 0;
}

}  // namespace mask_classifier
