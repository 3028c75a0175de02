// Train/validation split (see split.h).
#include "cnn/data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "cnn/data/dataset.h"
#include "cnn/data/rng.h"

namespace cnn::data {

ValidationSize ValidationSize::parse(const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(v > 0)) {
    throw DataError(
        "--val must be a positive image count (e.g. 1000) or a fraction in (0, 1) "
        "(e.g. 0.2), got '" +
        text + "'");
  }
  ValidationSize s;
  s.value = v;
  s.is_fraction = v < 1;
  s.text = text;
  if (!s.is_fraction && v != std::floor(v)) {
    throw DataError("--val " + text + ": a count must be a whole number, a fraction below 1");
  }
  return s;
}

size_t ValidationSize::count_for(size_t n) const {
  const size_t count = is_fraction
                           ? static_cast<size_t>(std::llround(value * static_cast<double>(n)))
                           : static_cast<size_t>(value);
  if (count == 0 || count >= n) {
    throw DataError("--val " + text + " gives " + std::to_string(count) +
                    " validation images out of " + std::to_string(n) +
                    "; both training and validation need at least one");
  }
  return count;
}

TrainValSplit split_train_val(const std::vector<int32_t>& labels, size_t n_classes,
                              size_t val_count, uint64_t seed, bool stratified) {
  const size_t n = labels.size();
  Rng rng(seed, 0x5b1d);
  std::vector<char> in_val(n, 0);
  if (!stratified) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    rng.shuffle(order);
    for (size_t i = 0; i < val_count; ++i) in_val[order[i]] = 1;
  } else {
    std::vector<std::vector<size_t>> by_class(n_classes);
    for (size_t i = 0; i < n; ++i) by_class.at(static_cast<size_t>(labels[i])).push_back(i);
    // Ideal share per class, floored, then the leftover goes to the largest remainders.
    std::vector<size_t> take(n_classes);
    std::vector<std::pair<double, size_t>> remainders;
    size_t assigned = 0;
    for (size_t c = 0; c < n_classes; ++c) {
      const double ideal = static_cast<double>(val_count) * by_class[c].size() / n;
      take[c] = static_cast<size_t>(ideal);
      assigned += take[c];
      remainders.push_back({ideal - take[c], c});
    }
    std::sort(remainders.begin(), remainders.end(), [](auto a, auto b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t k = 0; assigned < val_count; k = (k + 1) % n_classes) {
      const size_t c = remainders[k].second;
      if (take[c] < by_class[c].size()) ++take[c], ++assigned;
    }
    for (size_t c = 0; c < n_classes; ++c) {
      rng.shuffle(by_class[c]);
      for (size_t i = 0; i < take[c]; ++i) in_val[by_class[c][i]] = 1;
    }
  }
  TrainValSplit split;
  for (size_t i = 0; i < n; ++i) (in_val[i] ? split.val : split.train).push_back(i);
  return split;
}

}  // namespace cnn::data
