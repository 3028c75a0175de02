// Progress output of the example programs: cnn::data::ProgressBar (one redrawn line on a
// terminal, a line per 10% in logs) that --quiet switches off, and wall-clock timing for the
// per-epoch lines.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "cnn/data/progress_bar.h"

namespace example_common {

// A progress bar on stderr, or nothing at all when constructed disabled (--quiet): every call is
// then a no-op, so the code that reports progress has no branches for it.
class Progress {
 public:
  Progress(bool enabled, const std::string& label, size_t total, const std::string& unit = "img");
  void update(size_t done, const std::string& extra = "");
  void finish(const std::string& extra = "");
  void stop(const std::string& extra);  // ends the line where the work stopped
  bool enabled() const { return bar_ != nullptr; }

 private:
  std::unique_ptr<cnn::data::ProgressBar> bar_;
};

double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace example_common
