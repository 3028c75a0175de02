// Small helpers over ImageDataset (see dataset.h).
#include "cnn/data/dataset.h"

#include <map>
#include <sstream>

namespace cnn::data {

std::vector<size_t> ImageDataset::class_counts() const {
  std::vector<size_t> counts(classes.size(), 0);
  for (int32_t label : labels) ++counts.at(static_cast<size_t>(label));
  return counts;
}

std::string skip_summary(const ImageDataset& dataset, size_t max_paths) {
  if (dataset.skipped.empty()) return "";
  std::map<std::string, size_t> by_reason;
  for (const SkippedFile& s : dataset.skipped) ++by_reason[s.reason];
  std::ostringstream out;
  out << "skipped " << dataset.skipped.size() << " of " << dataset.skipped.size() + dataset.size()
      << " files:";
  const char* sep = " ";
  for (const auto& [reason, count] : by_reason) {
    out << sep << count << " x " << reason;
    sep = ", ";
  }
  out << '\n';
  for (size_t i = 0; i < dataset.skipped.size() && i < max_paths; ++i) {
    out << "  " << dataset.skipped[i].path << ": " << dataset.skipped[i].reason << '\n';
  }
  if (dataset.skipped.size() > max_paths) {
    out << "  ... and " << dataset.skipped.size() - max_paths << " more\n";
  }
  return out.str();
}

}  // namespace cnn::data
