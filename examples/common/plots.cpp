// Figure rendering on Canvas (see plots.h).
#include "common/plots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace example_common {
namespace {

// "Nice" tick step (1, 2 or 5 times a power of ten) giving about `target` ticks over the span.
double nice_step(double span, int target) {
  const double raw = span / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

std::string format_tick(double v, double step) {
  char buf[32];
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

Canvas line_chart(const std::string& title, const std::string& x_label,
                  const std::vector<Series>& series, int width, int height,
                  const ChartOptions& options) {
  Canvas c(width, height);
  const int left = 60, right = 16, top = 36, bottom = 44;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const Series& s : series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
    }
  }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (!std::isnan(options.x_min)) x0 = options.x_min;
  if (!std::isnan(options.x_max)) x1 = options.x_max;
  if (!std::isnan(options.y_min)) y0 = options.y_min;
  if (!std::isnan(options.y_max)) y1 = options.y_max;
  if (x1 - x0 < 1e-12) x0 -= 0.5, x1 += 0.5;
  if (y1 - y0 < 1e-12) y0 -= 0.5, y1 += 0.5;
  const double ystep = nice_step(y1 - y0, 5);
  y0 = std::floor(y0 / ystep) * ystep, y1 = std::ceil(y1 / ystep) * ystep;
  const double xstep = nice_step(x1 - x0, 6);

  const int pw = width - left - right, ph = height - top - bottom;
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return top + ph - (y - y0) / (y1 - y0) * ph; };

  c.text((width - Canvas::text_width(title, 2)) / 2, 8, title, colours::kBlack, 2);
  for (double y = y0; y <= y1 + ystep * 1e-6; y += ystep) {
    const int yy = static_cast<int>(std::lround(py(y)));
    c.fill_rect(left, yy, left + pw, yy + 1, colours::kLightGrey);
    const std::string t = format_tick(y, ystep);
    c.text(left - 6 - Canvas::text_width(t), yy - 3, t, colours::kBlack);
  }
  for (double x = std::ceil(x0 / xstep) * xstep; x <= x1 + xstep * 1e-6; x += xstep) {
    const int xx = static_cast<int>(std::lround(px(x)));
    c.fill_rect(xx, top, xx + 1, top + ph, colours::kLightGrey);
    const std::string t = format_tick(x, xstep);
    c.text(xx - Canvas::text_width(t) / 2, top + ph + 6, t, colours::kBlack);
  }
  c.outline_rect(left, top, left + pw + 1, top + ph + 1, colours::kBlack);
  c.text(left + (pw - Canvas::text_width(x_label)) / 2, height - 16, x_label, colours::kBlack);

  for (const Series& s : series) {
    bool have_prev = false;
    double prev_x = 0, prev_y = 0;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        have_prev = false;
        continue;
      }
      const double cx = px(s.x[i]), cy = py(s.y[i]);
      if (have_prev) c.line(prev_x, prev_y, cx, cy, s.colour, s.thickness);
      if (s.x.size() <= 50)
        c.fill_rect(int(cx) - 2, int(cy) - 2, int(cx) + 3, int(cy) + 3, s.colour);
      prev_x = cx, prev_y = cy, have_prev = true;
    }
  }
  // Legend inside the plot, top right or bottom left, for the series that have a point (a
  // detector has no validation loss: no empty "validation" entry).
  std::vector<const Series*> drawn;
  for (const Series& s : series) {
    if (std::any_of(s.y.begin(), s.y.end(), [](double v) { return std::isfinite(v); }))
      drawn.push_back(&s);
  }
  int ly =
      options.legend_bottom_left ? top + ph - 8 - 14 * static_cast<int>(drawn.size()) : top + 8;
  for (const Series* shown : drawn) {
    const Series& s = *shown;
    const int tw = Canvas::text_width(s.name);
    const int lx = options.legend_bottom_left ? left + 10 : left + pw - tw - 30;
    c.fill_rect(lx, ly + 2, lx + 16, ly + 5, s.colour);
    c.text(lx + 20, ly, s.name, colours::kBlack);
    ly += 14;
  }
  return c;
}

bool write_training_curves(const std::string& path, const TrainingCurves& k) {
  const Canvas loss =
      line_chart("Loss", "epoch",
                 {{"train (per step)", Colour{174, 199, 232}, k.step_epoch, k.step_loss, 1},
                  {"train (epoch mean)", colours::kBlue, k.epoch, k.train_loss},
                  {"validation", colours::kOrange, k.epoch, k.val_loss}});
  std::vector<double> metric_percent;
  for (double a : k.val_metric) metric_percent.push_back(100.0 * a);
  const Canvas acc = line_chart(k.metric_title, "epoch",
                                {{"validation", colours::kGreen, k.epoch, metric_percent}});
  Canvas both(loss.width() + acc.width(), std::max(loss.height(), acc.height()));
  both.paste(loss.image().pixels.data(), loss.width(), loss.height(), 0, 0);
  both.paste(acc.image().pixels.data(), acc.width(), acc.height(), loss.width(), 0);
  return both.save_png(path);
}

bool write_confusion_png(const std::string& path,
                         const std::vector<std::vector<int64_t>>& confusion,
                         const std::vector<std::string>& classes) {
  const int n = static_cast<int>(classes.size());
  const int cell = 130, label_w = 130, top = 70;
  Canvas c(label_w + n * cell + 20, top + n * cell + 40);
  c.text(10, 10, "Confusion matrix", colours::kBlack, 2);
  c.text(label_w, top - 18, "predicted", colours::kGrey);
  for (int p = 0; p < n; ++p) {
    const std::string& name = classes[static_cast<size_t>(p)];
    c.text(label_w + p * cell + (cell - Canvas::text_width(name)) / 2, top + n * cell + 8, name,
           colours::kBlack);
  }
  c.text(10, top - 18, "true", colours::kGrey);
  for (int t = 0; t < n; ++t) {
    const auto& row = confusion[static_cast<size_t>(t)];
    int64_t row_sum = 0;
    for (int64_t v : row) row_sum += v;
    c.text(10, top + t * cell + cell / 2 - 3, classes[static_cast<size_t>(t)], colours::kBlack);
    for (int p = 0; p < n; ++p) {
      const double frac =
          row_sum ? static_cast<double>(row[static_cast<size_t>(p)]) / row_sum : 0.0;
      // White to the chart blue by row fraction; dark cells get white text.
      const Colour fill{static_cast<uint8_t>(255 - frac * (255 - 31)),
                        static_cast<uint8_t>(255 - frac * (255 - 119)),
                        static_cast<uint8_t>(255 - frac * (255 - 180))};
      const int x = label_w + p * cell, y = top + t * cell;
      c.fill_rect(x, y, x + cell, y + cell, fill);
      c.outline_rect(x, y, x + cell + 1, y + cell + 1, colours::kGrey);
      const Colour ink = frac > 0.5 ? colours::kWhite : colours::kBlack;
      const std::string count = std::to_string(row[static_cast<size_t>(p)]);
      char pct[32];
      std::snprintf(pct, sizeof pct, "%.1f%%", 100 * frac);
      c.text(x + (cell - Canvas::text_width(count, 3)) / 2, y + cell / 2 - 18, count, ink, 3);
      c.text(x + (cell - Canvas::text_width(pct)) / 2, y + cell / 2 + 12, pct, ink);
    }
  }
  return c.save_png(path);
}

Canvas pr_chart(const std::string& title, const std::vector<PrCurve>& curves, int width,
                int height) {
  std::vector<Series> series;
  for (const PrCurve& c : curves) {
    char name[160];
    std::snprintf(name, sizeof name, "%s (AP %.3f)", c.name.c_str(), c.average_precision);
    series.push_back({name, c.colour, c.recall, c.precision});
  }
  ChartOptions axes;
  axes.x_min = 0, axes.x_max = 1, axes.y_min = 0, axes.y_max = 1;
  axes.legend_bottom_left = true;  // curves start top left and end bottom right
  Canvas chart = line_chart(title, "recall (y: precision)", series, width, height, axes);
  return chart;
}

bool write_pr_curves(const std::string& path, const std::vector<PrCurve>& curves,
                     const std::string& title) {
  return pr_chart(title, curves).save_png(path);
}

Colour class_colour(size_t k) {
  // matplotlib's tab10, the palette of the charts above.
  static constexpr Colour kTab10[] = {
      {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
      {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return kTab10[k % 10];
}

}  // namespace example_common
