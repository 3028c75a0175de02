// Batched inference (see evaluation.h).
#include "evaluation.h"

#include "cnn/autograd.h"
#include "cnn/data/data_loader.h"
#include "cnn/error.h"
#include "cnn/ops.h"
#include "common/progress.h"
#include "network.h"

namespace mask_classifier {

cnn::Tensor mirror_horizontally(const cnn::Tensor& x) {
  cnn::check(x.dim() == 4,
             "mirror_horizontally: x must be [N,C,H,W], got " + cnn::shape_str(x.shape()));
  const std::vector<float> in = x.to(cnn::Device::cpu()).to_vector();
  std::vector<float> out(in.size());
  const size_t w = static_cast<size_t>(x.size(3));
  for (size_t row = 0; row < in.size() / w; ++row)
    for (size_t i = 0; i < w; ++i) out[row * w + i] = in[row * w + (w - 1 - i)];
  return cnn::Tensor::from_vector(out, x.shape()).to(x.device());
}

bool resolve_flip_average(const std::string& choice, const LoadedModel& model) {
  if (choice == "model") return model.flip_average;
  if (choice != "on" && choice != "off")
    throw InputError("--flip-average must be model, on or off, got '" + choice + "'");
  return choice == "on";
}

cnn::Tensor classify(cnn::nn::Module& model, const cnn::Tensor& x, bool flip_average) {
  if (!flip_average) return model(x);
  return (model(x) + model(mirror_horizontally(x))) * 0.5f;
}

Predictions predict_dataset(cnn::nn::Module& model, const cnn::data::ImageDataset& dataset,
                            const std::vector<size_t>& indices, size_t batch_size,
                            cnn::Device device, const std::string& progress_label,
                            bool flip_average) {
  cnn::data::DataLoaderOptions lo;
  lo.batch_size = batch_size;
  lo.shuffle = false;
  lo.device = device;
  cnn::data::DataLoader loader(dataset, indices, lo);
  loader.start_epoch(0);
  model.eval();
  cnn::NoGradGuard no_grad;
  Predictions p;
  double loss_sum = 0;
  example_common::Progress progress(!progress_label.empty(), progress_label, indices.size());
  cnn::data::Batch batch;
  while (loader.next(&batch)) {
    const cnn::Tensor logits = classify(model, batch.images, flip_average);
    loss_sum += static_cast<double>(cnn::cross_entropy(logits, batch.labels).item()) *
                static_cast<double>(batch.labels.size());
    const std::vector<float> probs = cnn::softmax(logits).to_vector();
    const std::vector<int32_t> pred = cnn::argmax_rows(logits);
    const size_t classes = probs.size() / batch.labels.size();
    for (size_t i = 0; i < batch.labels.size(); ++i) {
      p.indices.push_back(batch.indices[i]);
      p.truth.push_back(batch.labels[i]);
      p.predicted.push_back(pred[i]);
      p.probability.push_back(probs[i * classes + static_cast<size_t>(pred[i])]);
    }
    progress.update(p.truth.size());
  }
  progress.finish();
  p.mean_loss = p.truth.empty() ? 0.0 : loss_sum / static_cast<double>(p.truth.size());
  return p;
}

}  // namespace mask_classifier
