// Terminal progress bar (see progress_bar.h).
#include "cnn/data/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace cnn::data {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

ProgressBar::ProgressBar(std::string label, size_t total, std::string unit, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      out_(out),
      tty_(isatty(fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  if (!finished_) finish();
}

double ProgressBar::rate() const {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return secs > 0 ? static_cast<double>(done_) / secs : 0.0;
}

void ProgressBar::update(size_t done, const std::string& extra) {
  done_ = std::min(done, total_);
  const auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    draw(done_, extra, false);
  } else {
    const int decile = total_ ? static_cast<int>(done_ * 10 / total_) : 10;
    if (decile == last_decile_ || decile == 10) return;  // 100% is printed by finish()
    last_decile_ = decile;
    draw(done_, extra, false);
  }
}

void ProgressBar::finish(const std::string& extra) {
  if (finished_) return;
  finished_ = true;
  draw(done_ = std::max(done_, total_), extra, true);
}

void ProgressBar::stop(const std::string& extra) {
  if (finished_) return;
  finished_ = true;
  draw(done_, extra, true);
}

void ProgressBar::draw(size_t done, const std::string& extra, bool final) {
  constexpr int kWidth = 24;
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double r = rate();
  const double eta = r > 0 ? static_cast<double>(total_ - done) / r : NAN;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(out_, "%s%s [%s] %zu/%zu %3d%% %.1f %s/s %s %s%s%s", tty_ ? "\r" : "",
               label_.c_str(), bar.c_str(), done, total_, static_cast<int>(frac * 100), r,
               unit_.c_str(), final ? "in" : "ETA", format_duration(final ? elapsed : eta).c_str(),
               extra.empty() ? "" : "  ", extra.c_str());
  if (tty_) std::fputs("\x1b[K", out_);  // clear leftovers of a longer previous line
  if (final || !tty_) std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace cnn::data
