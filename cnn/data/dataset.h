// An in-memory labelled image set: every image already decoded and resized to one size, stored
// as packed uint8 RGB (HWC). ImageFolder and the synthetic generator both produce it; the split,
// the data loader and the example program consume it. uint8 keeps 4094 100x100 images at 123 MB
// less than float would, and conversion to float CHW happens per batch in the loader.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cnn::data {

// Bad input a user can fix (missing folder, empty class, --strict skip): the example program maps
// it to exit code 2.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SkippedFile {
  SkippedFile() = default;
  SkippedFile(std::string path_, std::string reason_, std::string detail_ = "")
      : path(std::move(path_)), reason(std::move(reason_)), detail(std::move(detail_)) {}

  std::string path;
  std::string reason;  // a short phrase; the summary counts files per reason
  std::string detail;  // optional specifics shown next to the path ("object 2: [3,4,3,9]")
};

struct ImageDataset {
  std::vector<std::string> classes;  // index = label
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;       // size() * height * width * 3, image i at image_bytes()*i
  std::vector<int32_t> labels;       // one per image, in [0, classes.size())
  std::vector<std::string> paths;    // source file per image (empty for generated images)
  std::vector<SkippedFile> skipped;  // files that were found but not decoded

  size_t size() const { return labels.size(); }
  size_t image_bytes() const { return static_cast<size_t>(width) * height * 3; }
  const uint8_t* image(size_t i) const { return pixels.data() + i * image_bytes(); }
  // Number of images per class.
  std::vector<size_t> class_counts() const;
};

// One line ("skipped 3 of 4094 files: 3 WebP is not supported") plus up to `max_paths` example
// paths, one per line, each with its reason. Empty when nothing was skipped.
std::string skip_summary(const ImageDataset& dataset, size_t max_paths = 5);
// The same for any loader: `kept` items were loaded besides the skipped ones; `what` names the
// items ("files", "annotated images").
std::string skip_summary(const std::vector<SkippedFile>& skipped, size_t kept,
                         const std::string& what, size_t max_paths = 5);

}  // namespace cnn::data
