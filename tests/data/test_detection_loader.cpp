// DetectionLoader: batches hold exactly the letterboxed pixels and boxes of their samples, cover
// every sample once per epoch in a seed-determined order, augment each image as a pure function
// of (seed, epoch, index) whatever the batch size, and report an undecodable image.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "cnn/data/detection_loader.h"

using namespace cnn::data;
using cnn::detect::Box;

namespace {

// In-memory samples of different sizes and aspect ratios, pixels numbered per sample.
DetectionDataset numbered_detection_set(size_t n) {
  DetectionDataset ds;
  ds.classes = face_mask_classes();
  for (size_t i = 0; i < n; ++i) {
    auto img = std::make_shared<RgbImage>();
    img->width = 20 + static_cast<int>(7 * i % 30);
    img->height = 15 + static_cast<int>(11 * i % 25);
    img->pixels.resize(static_cast<size_t>(img->width) * img->height * 3);
    for (size_t b = 0; b < img->pixels.size(); ++b)
      img->pixels[b] = static_cast<uint8_t>(b * 13 + i * 29);
    DetectionSample s;
    s.width = img->width;
    s.height = img->height;
    const float w = static_cast<float>(img->width), h = static_cast<float>(img->height);
    s.boxes.push_back(
        {{0.1f * w, 0.2f * h, 0.6f * w, 0.7f * h}, static_cast<int32_t>(i % 3), false});
    if (i % 2) s.boxes.push_back({{0.5f * w, 0.1f * h, w, 0.4f * h}, 1, i % 4 == 1});
    s.pixels = img;
    ds.samples.push_back(std::move(s));
  }
  return ds;
}

}  // namespace

TEST_CASE("DetectionLoader batches are the letterboxed samples, every one once per epoch",
          "[data][detection_loader]") {
  const DetectionDataset ds = numbered_detection_set(9);
  std::vector<size_t> indices = {0, 1, 2, 3, 4, 5, 7, 8};  // not 6
  DetectionLoaderOptions o;
  o.batch_size = 3;
  o.image_size = 24;
  o.seed = 11;
  DetectionLoader loader(ds, indices, o);
  CHECK(loader.size() == 8);
  CHECK(loader.num_batches() == 3);

  auto run_epoch = [&](uint64_t epoch) {
    loader.start_epoch(epoch);
    std::vector<size_t> order;
    DetectionBatch b;
    while (loader.next(&b)) {
      const int64_t n = static_cast<int64_t>(b.indices.size());
      REQUIRE(b.images.shape() == cnn::Shape{n, 3, 24, 24});
      REQUIRE(b.boxes.size() == b.indices.size());
      REQUIRE(b.transforms.size() == b.indices.size());
      const std::vector<float> v = b.images.to_vector();
      for (size_t k = 0; k < b.indices.size(); ++k) {
        const size_t i = b.indices[k];
        const AugmentedSample want = letterbox_sample(ds.samples[i], 24);
        for (int c = 0; c < 3; ++c) {
          for (int p = 0; p < 24 * 24; ++p) {
            REQUIRE(v[k * 3 * 576 + c * 576 + p] == want.image.pixels[3 * p + c] * (1.0f / 255.0f));
          }
        }
        REQUIRE(b.boxes[k].size() == want.boxes.size());
        for (size_t j = 0; j < want.boxes.size(); ++j) {
          CHECK(b.boxes[k][j].box.x1 == want.boxes[j].box.x1);
          CHECK(b.boxes[k][j].box.y2 == want.boxes[j].box.y2);
          CHECK(b.boxes[k][j].label == ds.samples[i].boxes[j].label);
          CHECK(b.boxes[k][j].difficult == ds.samples[i].boxes[j].difficult);
        }
        // The transform maps the original boxes onto the batch's.
        const Box mapped = b.transforms[k].apply(ds.samples[i].boxes[0].box);
        CHECK(mapped.x1 == Approx(b.boxes[k][0].box.x1));
        CHECK(mapped.y2 == Approx(b.boxes[k][0].box.y2));
        order.push_back(i);
      }
    }
    return order;
  };
  const std::vector<size_t> e0 = run_epoch(0), e1 = run_epoch(1), e0_again = run_epoch(0);
  std::vector<size_t> sorted = e0;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == indices);
  CHECK(e0 == e0_again);
  CHECK(e0 != e1);
  CHECK(e0 != indices);
}

TEST_CASE("DetectionLoader augmentation depends on (seed, epoch, index), not on the batch",
          "[data][detection_loader]") {
  const DetectionDataset ds = numbered_detection_set(7);
  std::vector<size_t> all(7);
  for (size_t i = 0; i < 7; ++i) all[i] = i;
  auto images_by_index = [&](size_t batch_size, uint64_t seed, uint64_t epoch) {
    DetectionLoaderOptions o;
    o.batch_size = batch_size;
    o.image_size = 32;
    o.seed = seed;
    o.augment = true;
    o.shuffle = batch_size % 2 == 0;  // a different order as well
    DetectionLoader loader(ds, all, o);
    loader.start_epoch(epoch);
    std::vector<std::vector<float>> out(7);
    std::vector<size_t> boxes(7);
    DetectionBatch b;
    while (loader.next(&b)) {
      const std::vector<float> v = b.images.to_vector();
      for (size_t k = 0; k < b.indices.size(); ++k) {
        out[b.indices[k]].assign(v.begin() + k * 3 * 1024, v.begin() + (k + 1) * 3 * 1024);
        boxes[b.indices[k]] = b.boxes[k].size();
      }
    }
    return std::make_pair(out, boxes);
  };
  const auto a = images_by_index(2, 5, 3);
  const auto b = images_by_index(3, 5, 3);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  const auto other_epoch = images_by_index(2, 5, 4);
  CHECK(a.first != other_epoch.first);
  // Augmented pixels differ from the plain letterbox for most images.
  size_t differ = 0;
  for (size_t i = 0; i < 7; ++i) {
    const AugmentedSample plain = letterbox_sample(ds.samples[i], 32);
    std::vector<float> v(3 * 1024);
    for (int c = 0; c < 3; ++c) {
      for (int p = 0; p < 1024; ++p)
        v[c * 1024 + p] = plain.image.pixels[3 * p + c] * (1.0f / 255.0f);
    }
    differ += v != a.first[i];
  }
  CHECK(differ >= 5);
}

TEST_CASE("DetectionLoader reports an image that cannot be decoded", "[data][detection_loader]") {
  DetectionDataset ds = numbered_detection_set(3);
  ds.samples[1].pixels = nullptr;
  ds.samples[1].image_path = "/nonexistent/cnn_test_missing.jpg";
  DetectionLoaderOptions o;
  o.batch_size = 3;
  o.image_size = 16;
  o.shuffle = false;
  DetectionLoader loader(ds, {0, 1, 2}, o);
  loader.start_epoch(0);
  DetectionBatch b;
  CHECK_THROWS_WITH(loader.next(&b), Catch::Contains("cnn_test_missing.jpg"));
  // The loader stays usable: the next epoch starts cleanly.
  loader.start_epoch(1);
  CHECK_THROWS_AS(loader.next(&b), DataError);

  CHECK_THROWS_WITH(DetectionLoader(ds, {0, 5}, o), Catch::Contains("index 5"));
  o.image_size = 0;
  CHECK_THROWS_WITH(DetectionLoader(ds, {0}, o), Catch::Contains("image_size"));
}
