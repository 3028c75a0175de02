// The prediction grid (see plots.h).
#include "plots.h"

#include <algorithm>
#include <cstdio>

namespace mask_classifier {

using example_common::Colour;
namespace colours = example_common::colours;

bool write_prediction_grid(const std::string& path, std::vector<GridItem> items,
                           const std::vector<std::string>& classes, size_t max_items,
                           const std::string& what) {
  const size_t total = items.size();
  // Wrong predictions first, but at most two thirds of the tiles, so correct ones show too.
  const auto first_right = std::stable_partition(
      items.begin(), items.end(), [](const GridItem& g) { return g.truth != g.predicted; });
  const size_t wrong_total = static_cast<size_t>(first_right - items.begin());
  const size_t wrong_shown = std::min(wrong_total, max_items * 2 / 3);
  items.erase(items.begin() + static_cast<long>(wrong_shown), first_right);
  if (items.size() > max_items) items.resize(max_items);
  // Columns wider than the 100 px image so "pred without_mask 0.99" fits under it.
  const int cols = 8, tile = 100, col_w = 140, label_h = 30, pad = 6;
  const int rows = static_cast<int>((items.size() + cols - 1) / cols);
  const int header = 30;
  Canvas c(cols * col_w + pad, header + std::max(rows, 1) * (tile + label_h + pad) + pad);
  char title[160];
  std::snprintf(title, sizeof title, "%s: %zu of %zu wrong (red, shown first); %zu images shown",
                what.c_str(), wrong_total, total, items.size());
  c.text(pad, 8, title, colours::kBlack, 2);
  for (size_t i = 0; i < items.size(); ++i) {
    const GridItem& g = items[i];
    const int x = pad + static_cast<int>(i % cols) * col_w;
    const int y = header + pad + static_cast<int>(i / cols) * (tile + label_h + pad);
    // Nearest-neighbour scale into the tile (images are usually already 100x100).
    for (int ty = 0; ty < tile; ++ty) {
      for (int tx = 0; tx < tile; ++tx) {
        const uint8_t* p = g.rgb + (static_cast<size_t>(ty * g.height / tile) * g.width +
                                    static_cast<size_t>(tx * g.width / tile)) *
                                       3;
        c.set(x + tx, y + ty, Colour{p[0], p[1], p[2]});
      }
    }
    const bool ok = g.truth == g.predicted;
    char line1[96], line2[96];
    std::snprintf(line1, sizeof line1, "pred %s %.2f",
                  classes[static_cast<size_t>(g.predicted)].c_str(), g.probability);
    std::snprintf(line2, sizeof line2, "true %s", classes[static_cast<size_t>(g.truth)].c_str());
    c.text(x, y + tile + 4, line1, ok ? colours::kBlack : colours::kRed);
    c.text(x, y + tile + 16, line2, colours::kGrey);
    if (!ok) {
      c.outline_rect(x - 3, y - 3, x + tile + 3, y + tile + 3, colours::kRed, 3);
      c.line(x + tile - 16, y + 4, x + tile - 4, y + 16, colours::kRed, 3);  // an X in the corner
      c.line(x + tile - 4, y + 4, x + tile - 16, y + 16, colours::kRed, 3);
    }
  }
  return c.save_png(path);
}

}  // namespace mask_classifier
