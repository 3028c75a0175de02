// Train/validation split and DataLoader: exact partition, stratification, determinism, batch
// contents (float CHW in [0,1]) and augmentation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "cnn/data/augment.h"
#include "cnn/data/data_loader.h"
#include "cnn/data/rng.h"
#include "cnn/data/split.h"

using namespace cnn::data;

namespace {

// A tiny dataset whose every byte encodes (image, pixel, channel), so batches can be checked.
ImageDataset numbered_dataset(size_t n, int side, size_t classes = 2) {
  ImageDataset ds;
  for (size_t c = 0; c < classes; ++c) ds.classes.push_back("class" + std::to_string(c));
  ds.width = ds.height = side;
  for (size_t i = 0; i < n; ++i) {
    ds.labels.push_back(static_cast<int32_t>(i % 3 == 0 ? 1 % classes : 0));
    for (size_t b = 0; b < ds.image_bytes(); ++b)
      ds.pixels.push_back(static_cast<uint8_t>((i * 7 + b) % 251));
  }
  return ds;
}

}  // namespace

TEST_CASE("validation size parses counts and fractions", "[data][split]") {
  CHECK(ValidationSize::parse("1000").count_for(4094) == 1000);
  CHECK(ValidationSize::parse("0.2").count_for(4094) == 819);
  CHECK_THROWS_AS(ValidationSize::parse("abc"), DataError);
  CHECK_THROWS_AS(ValidationSize::parse("-3"), DataError);
  CHECK_THROWS_AS(ValidationSize::parse("2.5"), DataError);
  CHECK_THROWS_AS(ValidationSize::parse("1000").count_for(800), DataError);    // no training left
  CHECK_THROWS_AS(ValidationSize::parse("0.0001").count_for(100), DataError);  // rounds to 0
}

TEST_CASE("stratified split is an exact, seeded partition keeping class shares", "[data][split]") {
  const ImageDataset ds = numbered_dataset(300, 2);  // 100 of class 1, 200 of class 0
  const TrainValSplit s = split_train_val(ds.labels, 2, 60, 42, true);
  REQUIRE(s.val.size() == 60);
  REQUIRE(s.train.size() == 240);
  std::set<size_t> all(s.train.begin(), s.train.end());
  all.insert(s.val.begin(), s.val.end());
  CHECK(all.size() == 300);
  size_t val_ones = 0;
  for (size_t i : s.val) val_ones += ds.labels[i] == 1;
  CHECK(val_ones == 20);  // one third, like the whole set
  const TrainValSplit again = split_train_val(ds.labels, 2, 60, 42, true);
  CHECK(again.val == s.val);
  const TrainValSplit other = split_train_val(ds.labels, 2, 60, 43, true);
  CHECK(other.val != s.val);
  const TrainValSplit plain = split_train_val(ds.labels, 2, 61, 42, false);
  CHECK(plain.val.size() == 61);
  CHECK(plain.train.size() == 239);
}

TEST_CASE("DataLoader covers every image once per epoch with seeded shuffling", "[data][loader]") {
  const ImageDataset ds = numbered_dataset(50, 3);
  std::vector<size_t> indices;
  for (size_t i = 0; i < 50; i += 2) indices.push_back(i);  // 25 images
  DataLoaderOptions o;
  o.batch_size = 8;
  o.seed = 5;
  DataLoader loader(ds, indices, o);
  CHECK(loader.num_batches() == 4);

  auto epoch_order = [&](uint64_t epoch) {
    loader.start_epoch(epoch);
    std::vector<size_t> order;
    Batch b;
    std::vector<size_t> sizes;
    while (loader.next(&b)) {
      sizes.push_back(b.labels.size());
      REQUIRE(b.images.shape() == cnn::Shape{static_cast<int64_t>(b.labels.size()), 3, 3, 3});
      const std::vector<float> v = b.images.to_vector();
      for (size_t k = 0; k < b.indices.size(); ++k) {
        const size_t i = b.indices[k];
        CHECK(b.labels[k] == ds.labels[i]);
        // CHW float = HWC byte / 255.
        for (int c = 0; c < 3; ++c) {
          for (int p = 0; p < 9; ++p) {
            REQUIRE(v[k * 27 + c * 9 + p] == Approx(ds.image(i)[p * 3 + c] / 255.0f));
          }
        }
        order.push_back(i);
      }
    }
    CHECK(sizes == std::vector<size_t>{8, 8, 8, 1});  // the partial batch is kept
    return order;
  };
  const std::vector<size_t> e0 = epoch_order(0), e1 = epoch_order(1), e0_again = epoch_order(0);
  std::vector<size_t> sorted = e0;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == indices);
  CHECK(e0 != e1);
  CHECK(e0 == e0_again);
  CHECK(e0 != indices);  // shuffled
}

TEST_CASE("DataLoader without shuffling keeps order; drop_last drops the partial batch",
          "[data][loader]") {
  const ImageDataset ds = numbered_dataset(10, 2);
  std::vector<size_t> indices = {9, 1, 5, 3, 7};
  DataLoaderOptions o;
  o.batch_size = 2;
  o.shuffle = false;
  o.drop_last = true;
  DataLoader loader(ds, indices, o);
  loader.start_epoch(0);
  std::vector<size_t> seen;
  Batch b;
  while (loader.next(&b)) seen.insert(seen.end(), b.indices.begin(), b.indices.end());
  CHECK(seen == std::vector<size_t>{9, 1, 5, 3});
  // Abandoning an epoch half-way and starting another is fine.
  loader.start_epoch(1);
  REQUIRE(loader.next(&b));
  loader.start_epoch(2);
  size_t n = 0;
  while (loader.next(&b)) ++n;
  CHECK(n == 2);
}

TEST_CASE("augmentation flips and shifts within bounds and is seeded", "[data][augment]") {
  const int w = 6, h = 4;
  std::vector<uint8_t> src(w * h * 3);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i);
  std::vector<uint8_t> out(src.size());
  AugmentOptions flip_only;
  flip_only.max_shift = 0;
  bool saw_flip = false, saw_identity = false;
  for (uint64_t s = 0; s < 32; ++s) {
    Rng rng(s);
    augment_image(src.data(), w, h, flip_only, rng, out.data());
    if (out == src) {
      saw_identity = true;
      continue;
    }
    saw_flip = true;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        for (int c = 0; c < 3; ++c) {
          REQUIRE(out[(y * w + x) * 3 + c] == src[(y * w + (w - 1 - x)) * 3 + c]);
        }
      }
    }
  }
  CHECK(saw_flip);
  CHECK(saw_identity);

  // Flip + shift: every output is exactly one of the intended transforms - out(x, y) =
  // src(clamp(flip(x) + dx), clamp(y + dy)) with |dx|, |dy| <= round(0.08 * side) = 2 at 25 px,
  // edges replicated - and the draws cover every shift and both flips.
  const int side = 25;
  std::vector<uint8_t> noise(side * side * 3);
  Rng fill_rng(123);
  for (uint8_t& v : noise) v = static_cast<uint8_t>(fill_rng.below(256));
  std::vector<uint8_t> shifted(noise.size()), want(noise.size());
  std::set<std::tuple<bool, int, int>> seen;
  for (uint64_t s = 0; s < 400; ++s) {
    Rng rng(s);
    augment_image(noise.data(), side, side, AugmentOptions{}, rng, shifted.data());
    int matches = 0;
    for (bool flip : {false, true}) {
      for (int dy = -2; dy <= 2; ++dy) {
        for (int dx = -2; dx <= 2; ++dx) {
          for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x) {
              const int sx = std::clamp((flip ? side - 1 - x : x) + dx, 0, side - 1);
              const int sy = std::clamp(y + dy, 0, side - 1);
              for (int c = 0; c < 3; ++c)
                want[(y * side + x) * 3 + c] = noise[(sy * side + sx) * 3 + c];
            }
          }
          if (want == shifted) {
            ++matches;
            seen.insert({flip, dx, dy});
          }
        }
      }
    }
    REQUIRE(matches == 1);
  }
  CHECK(seen.size() == 2 * 5 * 5);

  // Same seed, same result.
  std::vector<uint8_t> a(src.size()), b(src.size());
  Rng r1(9), r2(9);
  augment_image(src.data(), w, h, AugmentOptions{}, r1, a.data());
  augment_image(src.data(), w, h, AugmentOptions{}, r2, b.data());
  CHECK(a == b);
}

TEST_CASE("shrink_and_enlarge: area average down, bilinear up", "[data][augment]") {
  // 4x2 image, channel 0 = 10 * x + y; shrinking to 2x1 averages 2x2 blocks.
  const int w = 4, h = 2;
  std::vector<uint8_t> img(w * h * 3, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img[(y * w + x) * 3] = static_cast<uint8_t>(10 * x + y);
  std::vector<uint8_t> out = img;
  shrink_and_enlarge(out.data(), w, h, 2, 1);
  // Small pixels: (0+1+10+11)/4 = 5.5 and (20+21+30+31)/4 = 25.5. Enlarged with half-pixel
  // centres: x = 0 -> source -0.25 (clamped to 0) = 5.5; x = 1 -> 0.25: 5.5 + 0.25 * 20 = 10.5;
  // x = 2 -> 0.75: 20.5; x = 3 -> 1.25 (clamped to 1): 25.5; rounded half away from zero.
  const int want[4] = {6, 11, 21, 26};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) CHECK(int(out[(y * w + x) * 3]) == want[x]);
  // Same size: unchanged.
  std::vector<uint8_t> same = img;
  shrink_and_enlarge(same.data(), w, h, w, h);
  CHECK(same == img);
  // A uniform image stays uniform at every size, including 1x1.
  std::vector<uint8_t> flat(7 * 5 * 3, 77);
  for (int s = 1; s <= 5; ++s) {
    std::vector<uint8_t> f = flat;
    shrink_and_enlarge(f.data(), 7, 5, s, s);
    CHECK(f == flat);
  }
}

TEST_CASE("colour_jitter: identity, brightness, contrast and saturation", "[data][augment]") {
  std::vector<uint8_t> img = {200, 100, 50, 0, 40, 80};  // two pixels
  std::vector<uint8_t> out = img;
  colour_jitter(out.data(), 2, 1, 1.f, 1.f, 1.f);
  CHECK(out == img);
  out = img;
  colour_jitter(out.data(), 2, 1, 0.5f, 1.f, 1.f);
  CHECK(out == std::vector<uint8_t>{100, 50, 25, 0, 20, 40});
  // Contrast 0: every channel becomes the image's mean grey (Rec. 601 luma, mean of the two).
  out = img;
  colour_jitter(out.data(), 2, 1, 1.f, 0.f, 1.f);
  const double grey =
      (0.299 * 200 + 0.587 * 100 + 0.114 * 50 + 0.299 * 0 + 0.587 * 40 + 0.114 * 80) / 2;
  for (uint8_t v : out) CHECK(int(v) == int(std::lround(grey)));
  // Saturation 0: each pixel becomes its own grey.
  out = img;
  colour_jitter(out.data(), 2, 1, 1.f, 1.f, 0.f);
  const int g0 = int(std::lround(0.299 * 200 + 0.587 * 100 + 0.114 * 50));
  const int g1 = int(std::lround(0.299 * 0 + 0.587 * 40 + 0.114 * 80));
  CHECK(out == std::vector<uint8_t>{uint8_t(g0), uint8_t(g0), uint8_t(g0), uint8_t(g1), uint8_t(g1),
                                    uint8_t(g1)});
}

TEST_CASE("the photometric steps draw only when on, and keep the geometric draw",
          "[data][augment]") {
  const int side = 20;
  std::vector<uint8_t> noise(side * side * 3);
  Rng fill_rng(5);
  for (uint8_t& v : noise) v = static_cast<uint8_t>(fill_rng.below(256));
  // Off (the defaults): the generator is left exactly where flips-and-shifts leave it.
  AugmentOptions off;
  off.low_resolution = 0;
  off.colour = 0;
  std::vector<uint8_t> a(noise.size()), b(noise.size());
  Rng r1(3), r2(3);
  augment_image(noise.data(), side, side, off, r1, a.data());
  augment_image(noise.data(), side, side, AugmentOptions{}, r2, b.data());
  CHECK(a == b);
  CHECK(r1.next() == r2.next());
  // Always-on low resolution: a blur of the geometric result, never the result itself on noise.
  AugmentOptions low;
  low.low_resolution = 1;
  low.low_resolution_min_side = 4;
  int changed = 0;
  for (uint64_t s = 0; s < 20; ++s) {
    Rng g(s), l(s);
    augment_image(noise.data(), side, side, AugmentOptions{}, g, a.data());
    augment_image(noise.data(), side, side, low, l, b.data());
    changed += a != b;
    // Blurring lowers the variation between neighbours.
    double da = 0, db = 0;
    for (int i = 3; i < side * side * 3; ++i)
      da += std::abs(a[i] - a[i - 3]), db += std::abs(b[i] - b[i - 3]);
    CHECK(db < da);
  }
  CHECK(changed == 20);
}
