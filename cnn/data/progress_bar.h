// A one-line terminal progress bar: "label [#####.....] 123/456 27% 38.2 img/s ETA 0:12  extra".
// On a terminal it redraws in place (carriage return) at most every 100 ms; when stderr is not a
// terminal (CI logs, pipes) it prints a line only at every 10% so logs stay short.
// Thread-compatible, not thread-safe: one thread owns the bar (decoders report through an atomic
// counter that the owning thread polls).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace cnn::data {

class ProgressBar {
 public:
  // total = number of units (images, steps); unit names what a unit is in the rate ("img/s").
  ProgressBar(std::string label, size_t total, std::string unit = "img", std::FILE* out = stderr);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // done = units finished so far; extra is appended (e.g. "loss 0.213").
  void update(size_t done, const std::string& extra = "");
  // Draws the final state (all units done) and ends the line. Called by the destructor if not
  // called before.
  void finish(const std::string& extra = "");
  // Ends the line where the work stopped (interrupted, failed): the count stays as it is.
  void stop(const std::string& extra);
  // Units per second since construction.
  double rate() const;

 private:
  void draw(size_t done, const std::string& extra, bool final);

  std::string label_;
  size_t total_;
  std::string unit_;
  std::FILE* out_;
  bool tty_;
  bool finished_ = false;
  size_t done_ = 0;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1:02:03" / "2:03" from seconds.
std::string format_duration(double seconds);

}  // namespace cnn::data
