// A small generated, learnable problem shared by the CPU and CUDA training tests: 1x8x8 images of
// noise with a bright 3x3 blob whose quadrant (of 4) is the class. A conv-relu-pool-linear net
// separates it perfectly, so training must drive the loss to near zero.
#pragma once

#include <memory>
#include <vector>

#include "cnn/cnn.h"

namespace cnn::testing {

struct Batch {
  Tensor images;  // [n,1,8,8]
  std::vector<int32_t> labels;
};

inline Batch blob_quadrant_batch(int n, uint64_t seed, Device device) {
  Generator gen(seed);
  std::vector<float> pixels(static_cast<size_t>(n) * 64);
  std::vector<int32_t> labels(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int label = i % 4;
    labels[static_cast<size_t>(i)] = label;
    float* img = pixels.data() + static_cast<size_t>(i) * 64;
    for (int p = 0; p < 64; ++p) img[p] = 0.2f * gen.uniform();
    const int top = (label / 2) * 4 + static_cast<int>(gen.uniform() * 2);
    const int left = (label % 2) * 4 + static_cast<int>(gen.uniform() * 2);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) img[(top + r) * 8 + left + c] += 1.f;
  }
  return {Tensor::from_vector(pixels, {n, 1, 8, 8}, device), labels};
}

inline std::shared_ptr<nn::Sequential> blob_net(uint64_t seed) {
  Generator gen(seed);
  return std::make_shared<nn::Sequential>(nn::Sequential{
      std::make_shared<nn::Conv2d>(1, 4, 3, 1, 1, true, &gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(64, 4, true, &gen)});
}

// Trains `steps` full-batch Adam steps on 32 images; returns the first and last loss.
inline std::pair<float, float> train_blob_problem(Device device, int steps) {
  const Batch batch = blob_quadrant_batch(32, 3, device);
  auto net = blob_net(4);
  net->to(device);
  optim::Adam opt(net->parameters(), optim::AdamOptions{0.02f});
  float first = 0, last = 0;
  for (int step = 0; step < steps; ++step) {
    opt.zero_grad();
    Tensor loss = cross_entropy((*net)(batch.images), batch.labels);
    loss.backward();
    opt.step();
    last = loss.item();
    if (step == 0) first = last;
  }
  return {first, last};
}

}  // namespace cnn::testing
