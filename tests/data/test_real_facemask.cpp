// The real face-mask photographs (../shared/data/facemask, outside the repository): every JPEG and
// PNG decodes, the 3 WebP files are skipped and reported, nothing else is. Exits 77 (ctest:
// skipped) when the folder is absent. A plain main, because Catch2 v2 cannot report "skipped".
#include <cstdio>
#include <filesystem>
#include <string>

#include "cnn/data/image_folder.h"

int main() {
  const char* env = std::getenv("CNN_FACEMASK_DIR");
  const std::string root = env ? env : CNN_FACEMASK_DEFAULT_DIR;
  if (!std::filesystem::is_directory(root)) {
    std::printf("%s not found: skipping the real-data test\n", root.c_str());
    return 77;
  }
  cnn::data::ImageFolderOptions o;
  o.show_progress = false;
  const cnn::data::ImageDataset ds = cnn::data::load_image_folder(root, o);
  int failures = 0;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) {
      std::printf("FAILED: %s\n", what.c_str());
      ++failures;
    }
  };
  std::printf("%zu images decoded\n%s", ds.size(), cnn::data::skip_summary(ds).c_str());
  expect(ds.classes.size() == 2 && ds.classes[0] == "with_mask" && ds.classes[1] == "without_mask",
         "classes are with_mask, without_mask");
  expect(ds.skipped.size() == 3, "exactly 3 files skipped");
  for (const auto& s : ds.skipped) {
    expect(s.reason == "WebP is not supported",
           s.path + " skipped as WebP (was: " + s.reason + ")");
  }
  expect(ds.size() + ds.skipped.size() == 4094, "4094 files in total");
  expect(ds.pixels.size() == ds.size() * 100 * 100 * 3, "every image resized to 100x100");
  // Decoded pixels are not degenerate: the mean over the set is a mid-grey, not 0 or 255.
  double mean = 0;
  for (uint8_t v : ds.pixels) mean += v;
  mean /= static_cast<double>(ds.pixels.size());
  expect(mean > 60 && mean < 200, "plausible mean pixel value " + std::to_string(mean));
  return failures == 0 ? 0 : 1;
}
