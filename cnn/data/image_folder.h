// ImageFolder: a directory with one sub-folder per class (sorted names -> labels 0, 1, ...),
// every regular file inside decoded to RGB and resized to one size, all in memory as uint8.
//
// Choices that matter:
//   - Decoding runs on all hardware threads (files are independent); results land in a slot per
//     file, so the dataset order (class, then sorted file name) never depends on thread timing.
//   - Bad files never stop a run and never pass silently: each becomes a SkippedFile with a
//     reason; options.strict turns the first skip into a DataError.
//   - Structural problems are DataError (exit code 2 in the example): a missing root, fewer than
//     two class folders, or a class folder with no decodable image.
//   - Hidden files and folders (names starting with '.') are ignored, like ls does.
#pragma once

#include <string>

#include "cnn/data/dataset.h"

namespace cnn::data {

struct ImageFolderOptions {
  int width = 100;
  int height = 100;
  bool strict = false;        // any skipped file is a DataError
  int threads = 0;            // 0 = std::thread::hardware_concurrency()
  bool show_progress = true;  // progress bar on stderr while decoding
};

// requires: options.width > 0, options.height > 0.
// ensures: result.classes.size() >= 2, every class has >= 1 image, result.skipped lists every
//          file that was found but not decoded. Throws DataError on bad input.
ImageDataset load_image_folder(const std::string& root, const ImageFolderOptions& options = {});

}  // namespace cnn::data
