// Batched inference (see evaluation.h).
#include "evaluation.h"

#include "cnn/autograd.h"
#include "cnn/data/data_loader.h"
#include "cnn/ops.h"
#include "common/progress.h"
#include "network.h"

namespace mask_classifier {

Predictions predict_dataset(cnn::nn::Module& model, const cnn::data::ImageDataset& dataset,
                            const std::vector<size_t>& indices, size_t batch_size,
                            cnn::Device device, const std::string& progress_label) {
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
    const cnn::Tensor logits = model(batch.images);
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
