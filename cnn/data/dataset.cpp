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
  return skip_summary(dataset.skipped, dataset.size(), "files", max_paths);
}

std::string skip_summary(const std::vector<SkippedFile>& skipped, size_t kept,
                         const std::string& what, size_t max_paths) {
  if (skipped.empty()) return "";
  std::map<std::string, size_t> by_reason;
  for (const SkippedFile& s : skipped) ++by_reason[s.reason];
  std::ostringstream out;
  out << "skipped " << skipped.size() << " of " << skipped.size() + kept << " " << what << ":";
  const char* sep = " ";
  for (const auto& [reason, count] : by_reason) {
    out << sep << count << " x " << reason;
    sep = ", ";
  }
  out << '\n';
  for (size_t i = 0; i < skipped.size() && i < max_paths; ++i) {
    out << "  " << skipped[i].path << ": " << skipped[i].reason;
    if (!skipped[i].detail.empty()) out << " (" << skipped[i].detail << ")";
    out << '\n';
  }
  if (skipped.size() > max_paths) out << "  ... and " << skipped.size() - max_paths << " more\n";
  return out.str();
}

}  // namespace cnn::data
