// Seeded train/validation split, by count or by fraction, optionally stratified (each class keeps
// its share in both parts, largest-remainder rounding so the counts add up exactly).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cnn::data {

// "--val" as the user wrote it: a count ("1000") or a fraction in (0, 1) ("0.2").
struct ValidationSize {
  double value = 1000;
  bool is_fraction = false;
  std::string text = "1000";  // as given, for messages

  // Throws DataError for text that is neither a positive integer nor a fraction in (0, 1).
  static ValidationSize parse(const std::string& text);
  // The count for a dataset of n images. Throws DataError when it leaves no training image or
  // no validation image.
  size_t count_for(size_t n) const;
};

struct TrainValSplit {
  std::vector<size_t> train;  // indices into the dataset, ascending
  std::vector<size_t> val;    // indices into the dataset, ascending
};

// requires: val_count < labels.size(), labels in [0, n_classes).
// ensures: train and val are disjoint, their union is every index, val.size() == val_count; the
//          result depends only on (labels, n_classes, val_count, seed, stratified).
TrainValSplit split_train_val(const std::vector<int32_t>& labels, size_t n_classes,
                              size_t val_count, uint64_t seed, bool stratified = true);

}  // namespace cnn::data
