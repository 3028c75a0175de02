// `mask-classifier predict`: one line per image, PATH<TAB>LABEL<TAB>PROBABILITY, with exactly the
// preprocessing of training (cnn::data::load_rgb_resized + image_to_chw). An image that cannot be
// decoded gets a message on stderr, the others are still predicted, and the exit code is 2.
#include <cstdio>

#include "cnn/autograd.h"
#include "cnn/data/data_loader.h"
#include "cnn/data/image.h"
#include "cnn/ops.h"
#include "commands.h"
#include "evaluation.h"

namespace mask_classifier {

int run_predict(const PredictOptions& o) {
  const cnn::Device device = select_device(o.device);
  LoadedModel model = load_model(o.model);
  model.network->to(device);
  model.network->eval();
  const bool flip_average = resolve_flip_average(o.flip_average, model);
  cnn::NoGradGuard no_grad;
  const int size = model.spec.image_size;
  const size_t per_image = static_cast<size_t>(size) * size * 3;
  constexpr size_t kChunk = 64;  // bounded memory for long file lists
  bool any_failed = false;
  for (size_t start = 0; start < o.images.size(); start += kChunk) {
    std::vector<std::string> paths;
    std::vector<float> pixels;
    for (size_t i = start; i < o.images.size() && i < start + kChunk; ++i) {
      const cnn::data::DecodeResult r = cnn::data::load_rgb_resized(o.images[i], size, size);
      if (!r.ok()) {
        std::fprintf(stderr, "error: %s: %s\n", o.images[i].c_str(), r.skip_reason.c_str());
        any_failed = true;
        continue;
      }
      paths.push_back(o.images[i]);
      pixels.resize(paths.size() * per_image);
      cnn::data::image_to_chw(r.image.pixels.data(), size, size,
                              pixels.data() + (paths.size() - 1) * per_image);
    }
    if (paths.empty()) continue;
    const cnn::Tensor x = cnn::Tensor::from_vector(
        pixels, {static_cast<int64_t>(paths.size()), 3, size, size}, device);
    const cnn::Tensor logits = classify(*model.network, x, flip_average);
    const std::vector<float> probs = cnn::softmax(logits).to_vector();
    const std::vector<int32_t> pred = cnn::argmax_rows(logits);
    const size_t classes = model.classes.size();
    for (size_t i = 0; i < paths.size(); ++i) {
      std::printf("%s\t%s\t%.4f\n", paths[i].c_str(),
                  model.classes[static_cast<size_t>(pred[i])].c_str(),
                  probs[i * classes + static_cast<size_t>(pred[i])]);
    }
  }
  std::fflush(stdout);
  return any_failed ? 2 : 0;
}

}  // namespace mask_classifier
