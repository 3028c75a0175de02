// DetectionLoader's CUDA path (BatchPrefetcher's pinned buffers and asynchronous upload): batches
// on the device hold exactly the CPU loader's values, for every batch of two epochs.
#include <catch2/catch.hpp>

#include "cnn/data/detection_loader.h"
#include "cnn/data/synthetic_scenes.h"

using namespace cnn::data;

TEST_CASE("DetectionLoader on CUDA uploads exactly the CPU batches",
          "[data][detection_loader][cuda]") {
  SyntheticSceneOptions so;
  so.width = 64;
  so.height = 48;
  so.max_faces = 2;
  so.max_face_size = 30;
  const DetectionDataset ds = make_synthetic_scenes(5, 3, so);
  DetectionLoaderOptions o;
  o.batch_size = 2;
  o.image_size = 32;
  o.augment = true;
  o.seed = 4;
  DetectionLoader cpu(ds, {0, 1, 2, 3, 4}, o);
  o.device = cnn::Device::cuda();
  DetectionLoader cuda(ds, {0, 1, 2, 3, 4}, o);
  size_t batches = 0;
  for (uint64_t epoch = 0; epoch < 2; ++epoch) {
    cpu.start_epoch(epoch);
    cuda.start_epoch(epoch);
    DetectionBatch a, b;
    while (cpu.next(&a)) {
      REQUIRE(cuda.next(&b));
      REQUIRE(b.images.device() == cnn::Device::cuda());
      CHECK(a.indices == b.indices);
      CHECK(a.images.to_vector() == b.images.to_vector());
      REQUIRE(a.boxes.size() == b.boxes.size());
      for (size_t i = 0; i < a.boxes.size(); ++i) CHECK(a.boxes[i].size() == b.boxes[i].size());
      ++batches;
    }
    CHECK_FALSE(cuda.next(&b));
  }
  CHECK(batches == 6);
}
