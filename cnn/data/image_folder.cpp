// ImageFolder loading with a thread pool over files (see image_folder.h).
#include "cnn/data/image_folder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "cnn/data/image.h"
#include "cnn/data/progress_bar.h"

namespace fs = std::filesystem;

namespace cnn::data {
namespace {

bool hidden(const fs::path& p) {
  return p.filename().string().rfind('.', 0) == 0;
}

struct Candidate {
  std::string path;
  int32_t label;
};

// Sorted class folders and, inside each, sorted regular files.
std::vector<Candidate> list_candidates(const std::string& root, std::vector<std::string>* classes) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw DataError("dataset folder '" + root +
                    "' does not exist or is not a directory (expected one sub-folder per class, "
                    "e.g. with_mask/ and without_mask/)");
  }
  std::vector<fs::path> class_dirs;
  for (const fs::directory_entry& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory() && !hidden(e.path())) class_dirs.push_back(e.path());
  }
  if (ec) throw DataError("cannot list dataset folder '" + root + "': " + ec.message());
  std::sort(class_dirs.begin(), class_dirs.end());
  if (class_dirs.size() < 2) {
    throw DataError("dataset folder '" + root + "' has " + std::to_string(class_dirs.size()) +
                    " class sub-folder(s); expected at least 2 (one per class, e.g. with_mask/ "
                    "and without_mask/)");
  }
  std::vector<Candidate> out;
  for (size_t label = 0; label < class_dirs.size(); ++label) {
    classes->push_back(class_dirs[label].filename().string());
    std::vector<std::string> files;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(class_dirs[label], ec)) {
      if (e.is_regular_file() && !hidden(e.path())) files.push_back(e.path().string());
    }
    if (ec) throw DataError("cannot list '" + class_dirs[label].string() + "': " + ec.message());
    std::sort(files.begin(), files.end());
    for (std::string& f : files) out.push_back({std::move(f), static_cast<int32_t>(label)});
  }
  return out;
}

}  // namespace

ImageDataset load_image_folder(const std::string& root, const ImageFolderOptions& options) {
  if (options.width <= 0 || options.height <= 0) {
    throw DataError("image size must be positive, got " + std::to_string(options.width) + "x" +
                    std::to_string(options.height));
  }
  ImageDataset ds;
  ds.width = options.width;
  ds.height = options.height;
  const std::vector<Candidate> files = list_candidates(root, &ds.classes);

  std::vector<DecodeResult> results(files.size());
  std::atomic<size_t> next{0}, done{0};
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const size_t n_threads =
      std::min<size_t>(options.threads > 0 ? static_cast<size_t>(options.threads) : hw,
                       std::max<size_t>(files.size(), 1));
  std::vector<std::thread> workers;
  for (size_t t = 0; t < n_threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < files.size();) {
        results[i] = load_rgb_resized(files[i].path, options.width, options.height);
        done.fetch_add(1);
      }
    });
  }
  {
    std::unique_ptr<ProgressBar> bar;
    if (options.show_progress) bar = std::make_unique<ProgressBar>("decoding", files.size());
    while (done.load() < files.size()) {
      if (bar) bar->update(done.load());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (bar) bar->finish();
  }
  for (std::thread& w : workers) w.join();

  ds.pixels.reserve(files.size() * ds.image_bytes());
  for (size_t i = 0; i < files.size(); ++i) {
    if (!results[i].ok()) {
      ds.skipped.push_back({files[i].path, results[i].skip_reason});
      continue;
    }
    ds.pixels.insert(ds.pixels.end(), results[i].image.pixels.begin(),
                     results[i].image.pixels.end());
    ds.labels.push_back(files[i].label);
    ds.paths.push_back(files[i].path);
    results[i] = DecodeResult{};  // free the decoded copy early
  }
  if (options.strict && !ds.skipped.empty()) {
    throw DataError("--strict: " + skip_summary(ds));
  }
  const std::vector<size_t> counts = ds.class_counts();
  for (size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] == 0) {
      throw DataError("class folder '" + (fs::path(root) / ds.classes[c]).string() +
                      "' has no decodable image; every class needs at least one");
    }
  }
  return ds;
}

}  // namespace cnn::data
