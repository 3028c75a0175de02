// Optional progress bar and timing (see progress.h).
#include "common/progress.h"

namespace example_common {

Progress::Progress(bool enabled, const std::string& label, size_t total, const std::string& unit) {
  if (enabled) bar_ = std::make_unique<cnn::data::ProgressBar>(label, total, unit);
}

void Progress::update(size_t done, const std::string& extra) {
  if (bar_) bar_->update(done, extra);
}

void Progress::finish(const std::string& extra) {
  if (bar_) bar_->finish(extra);
}

void Progress::stop(const std::string& extra) {
  if (bar_) bar_->stop(extra);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace example_common
