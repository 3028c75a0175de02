// The real face-mask detection photographs (../shared/data/facemask-detect, outside the
// repository): the Pascal VOC reader finds exactly what the folder's README states (853 images,
// 4072 boxes, per-split box counts per label), skips nothing, and every image decodes. Then it
// prints the anchor statistics of the training split (box sizes after letterboxing to the
// candidate input sizes, and k-means anchors): they choose the detector's input size and strides.
// Exits 77 (ctest: skipped) when the folder is absent. A plain main, because Catch2 v2 cannot
// report "skipped".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cnn/data/detection_dataset.h"
#include "cnn/detect/yolo.h"

using namespace cnn::data;

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
  if (!ok) ++failures;
}

// Box sizes of `ds` in network-input pixels after letterboxing to size x size.
std::vector<cnn::detect::BoxSize> letterboxed_sizes(const DetectionDataset& ds, int size) {
  std::vector<cnn::detect::BoxSize> out;
  for (const DetectionSample& s : ds.samples) {
    const cnn::detect::Letterbox lb = cnn::detect::Letterbox::fit(s.width, s.height, size);
    for (const AnnotatedBox& b : s.boxes) {
      const cnn::detect::Box in = lb.to_input(b.box);
      out.push_back({in.width(), in.height()});
    }
  }
  return out;
}

void print_anchor_statistics(const DetectionDataset& train) {
  const int edges[] = {0, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 100000};
  const size_t n_bins = std::size(edges) - 1;
  std::printf("\nanchor statistics of the training split (%zu boxes), in input pixels\n",
              train.num_boxes());
  std::printf("box size sqrt(w*h) histogram:\n  size   ");
  for (size_t b = 0; b < n_bins; ++b) {
    if (edges[b + 1] > 1000) {
      std::printf(" %6s", (std::to_string(edges[b]) + "+").c_str());
    } else {
      std::printf(" %6s", (std::to_string(edges[b]) + "-" + std::to_string(edges[b + 1])).c_str());
    }
  }
  std::printf("  median  p10  p90\n");
  for (int size : {320, 416, 512, 640}) {
    std::vector<cnn::detect::BoxSize> sizes = letterboxed_sizes(train, size);
    std::vector<size_t> hist(n_bins, 0);
    std::vector<float> side;
    for (const auto& s : sizes) {
      const float g = std::sqrt(s.w * s.h);
      side.push_back(g);
      for (size_t b = 0; b < n_bins; ++b) {
        if (g >= edges[b] && g < edges[b + 1]) ++hist[b];
      }
    }
    std::sort(side.begin(), side.end());
    std::printf("  %4d:  ", size);
    for (size_t h : hist) std::printf(" %6zu", h);
    std::printf("  %6.1f %4.1f %4.1f\n", side[side.size() / 2], side[side.size() / 10],
                side[side.size() * 9 / 10]);
  }
  for (int size : {320, 416, 512}) {
    const std::vector<cnn::detect::BoxSize> sizes = letterboxed_sizes(train, size);
    for (int k : {6, 9}) {
      const std::vector<cnn::detect::Anchor> anchors =
          cnn::detect::anchors_from_kmeans(sizes, k, 1);
      std::printf("k-means anchors at %d, k=%d (mean best IoU %.3f):", size, k,
                  cnn::detect::mean_best_anchor_iou(sizes, anchors));
      for (const auto& a : anchors) std::printf(" %.1fx%.1f", a.w, a.h);
      std::printf("\n");
    }
  }
}

}  // namespace

int main() {
  const char* env = std::getenv("CNN_FACEMASK_DETECT_DIR");
  const std::string root = env ? env : CNN_FACEMASK_DETECT_DEFAULT_DIR;
  if (!std::filesystem::is_directory(root)) {
    std::printf("%s not found: skipping the real-data test\n", root.c_str());
    return 77;
  }
  DetectionFolderOptions o;
  o.classes = face_mask_classes();
  const DetectionDataset all = load_voc_folder(root, o);
  std::printf("%s", skip_summary(all).c_str());
  expect(all.size() == 853, "853 annotated images (got " + std::to_string(all.size()) + ")");
  expect(all.skipped.empty(), "nothing skipped");
  expect(all.num_boxes() == 4072, "4072 boxes (got " + std::to_string(all.num_boxes()) + ")");

  // The README's per-split counts: with_mask / without_mask / mask_weared_incorrect.
  const std::pair<const char*, std::vector<size_t>> splits[] = {
      {"train", {2498, 542, 98}}, {"val", {390, 92, 10}}, {"test", {344, 83, 15}}};
  const size_t images[] = {682, 85, 86};
  DetectionDataset train;
  for (size_t i = 0; i < 3; ++i) {
    o.split = splits[i].first;
    DetectionDataset part = load_voc_folder(root, o);
    const std::vector<size_t> counts = part.box_counts();
    expect(part.size() == images[i] && part.skipped.empty(),
           std::string(splits[i].first) + ": " + std::to_string(images[i]) + " images (got " +
               std::to_string(part.size()) + ")");
    expect(counts == splits[i].second,
           std::string(splits[i].first) + " boxes per label " + std::to_string(counts[0]) + " / " +
               std::to_string(counts[1]) + " / " + std::to_string(counts[2]));
    if (i == 0) train = std::move(part);
  }
  // No difficult flags in this set, and every box inside its image after the edge clipping.
  size_t difficult = 0, outside = 0;
  for (const DetectionSample& s : all.samples) {
    for (const AnnotatedBox& b : s.boxes) {
      difficult += b.difficult;
      outside += b.box.x1 < 0 || b.box.y1 < 0 || b.box.x2 > s.width || b.box.y2 > s.height;
    }
  }
  expect(difficult == 0 && outside == 0, "no difficult box, every box inside its image");
  print_anchor_statistics(train);
  return failures == 0 ? 0 : 1;
}
