// YOLO head decoding, target assignment and anchor k-means (definitions in yolo.h). All of it runs
// on the host: decoding and assignment touch each cell once and produce small outputs, and the
// targets are uploaded once per batch.
#include "cnn/detect/yolo.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "cnn/error.h"
#include "cnn/random.h"

namespace cnn::detect {
namespace {

float sigmoid(float x) {
  return 1.f / (1.f + std::exp(-x));
}

// The grid of one level's output, checked against the config.
struct Grid {
  int64_t n, h, w;
};

Grid check_output(const char* op, const Tensor& out, const YoloConfig& config, int level) {
  const std::string where = std::string(op) + ": level " + std::to_string(level);
  if (!out.defined()) throw Error(where + " output is undefined");
  if (out.dim() != 4 || out.size(1) != config.channels(level)) {
    throw Error(where + " output " + shape_str(out.shape()) + " should be [N," +
                std::to_string(config.channels(level)) + ",H,W] (" +
                std::to_string(config.levels[level].anchors.size()) + " anchors x (5 + " +
                std::to_string(config.num_classes) + " classes))");
  }
  return Grid{out.size(0), out.size(2), out.size(3)};
}

std::vector<Grid> check_outputs(const char* op, const std::vector<Tensor>& outputs,
                                const YoloConfig& config) {
  config.validate();
  if (outputs.size() != config.levels.size()) {
    throw Error(std::string(op) + ": " + std::to_string(outputs.size()) + " outputs for " +
                std::to_string(config.levels.size()) + " levels");
  }
  std::vector<Grid> grids;
  for (size_t l = 0; l < outputs.size(); ++l) {
    grids.push_back(check_output(op, outputs[l], config, int(l)));
    if (grids.back().n != grids.front().n) {
      throw Error(std::string(op) + ": level " + std::to_string(l) + " has batch " +
                  std::to_string(grids.back().n) + ", level 0 has " +
                  std::to_string(grids.front().n));
    }
  }
  return grids;
}

// Index of value j of anchor a at (n, gy, gx) in a level's [N, A*V, H, W] buffer.
struct Layout {
  Grid grid;
  int64_t anchors, values;

  int64_t at(int64_t n, int64_t a, int64_t j, int64_t gy, int64_t gx) const {
    return (((n * anchors + a) * values + j) * grid.h + gy) * grid.w + gx;
  }
};

constexpr int kTx = 0, kTy = 1, kTw = 2, kTh = 3, kObj = 4, kCls = 5;

}  // namespace

int64_t YoloConfig::channels(int level) const {
  return int64_t(levels.at(level).anchors.size()) * values_per_anchor();
}

void YoloConfig::validate() const {
  if (levels.empty()) throw Error("YoloConfig: no levels");
  if (num_classes < 1) {
    throw Error("YoloConfig: num_classes must be positive, got " + std::to_string(num_classes));
  }
  if (!(xy_scale >= 1.f && xy_scale <= 16.f)) {
    throw Error("YoloConfig: xy_scale must be in [1, 16], got " + std::to_string(xy_scale));
  }
  for (size_t l = 0; l < levels.size(); ++l) {
    if (levels[l].stride < 1) {
      throw Error("YoloConfig: level " + std::to_string(l) + " has stride " +
                  std::to_string(levels[l].stride));
    }
    if (levels[l].anchors.empty()) {
      throw Error("YoloConfig: level " + std::to_string(l) + " has no anchors");
    }
    for (const auto& a : levels[l].anchors) {
      if (!(a.w > 0 && a.h > 0)) {
        throw Error("YoloConfig: level " + std::to_string(l) + " has anchor " +
                    std::to_string(a.w) + "x" + std::to_string(a.h) + " (sizes must be positive)");
      }
    }
  }
}

float shape_iou(const BoxSize& a, const BoxSize& b) {
  const float inter = std::min(a.w, b.w) * std::min(a.h, b.h);
  const float uni = a.w * a.h + b.w * b.h - inter;
  return uni > 0 ? inter / uni : 0.f;
}

Box decode_box(float tx, float ty, float tw, float th, int gx, int gy, const Anchor& anchor,
               int stride, float xy_scale) {
  const float shift = (xy_scale - 1.f) / 2.f;
  return box_from_cxcywh(BoxCxCyWh{(gx + xy_scale * sigmoid(tx) - shift) * stride,
                                   (gy + xy_scale * sigmoid(ty) - shift) * stride,
                                   anchor.w * std::exp(tw), anchor.h * std::exp(th)});
}

BoxTargets encode_box(const Box& box, int gx, int gy, const Anchor& anchor, int stride,
                      float xy_scale) {
  if (!(box.width() > 0 && box.height() > 0)) {
    throw Error("encode_box: box " + box_str(box) + " has no area");
  }
  const BoxCxCyWh c = box_to_cxcywh(box);
  const float shift = (xy_scale - 1.f) / 2.f;
  const float ox = c.cx / stride - gx, oy = c.cy / stride - gy;
  // A small slack for the rounding between a box's corners and its centre.
  constexpr float kSlack = 1e-3f;
  if (!(ox >= -shift - kSlack && ox < 1.f + shift + kSlack && oy >= -shift - kSlack &&
        oy < 1.f + shift + kSlack)) {
    throw Error("encode_box: the centre of " + box_str(box) + " is outside what cell (" +
                std::to_string(gx) + ", " + std::to_string(gy) + ") at stride " +
                std::to_string(stride) + " can reach with xy_scale " + std::to_string(xy_scale));
  }
  return BoxTargets{(ox + shift) / xy_scale, (oy + shift) / xy_scale, std::log(c.w / anchor.w),
                    std::log(c.h / anchor.h)};
}

std::vector<std::vector<Detection>> yolo_decode(const std::vector<Tensor>& outputs,
                                                const YoloConfig& config,
                                                const DecodeOptions& options) {
  const auto grids = check_outputs("yolo_decode", outputs, config);
  const int K = config.num_classes;
  std::vector<std::vector<Detection>> detections(grids.front().n);
  for (size_t l = 0; l < outputs.size(); ++l) {
    const YoloLevel& level = config.levels[l];
    const Layout lay{grids[l], int64_t(level.anchors.size()), config.values_per_anchor()};
    const std::vector<float> v = outputs[l].to_vector();
    for (int64_t n = 0; n < lay.grid.n; ++n) {
      for (int64_t a = 0; a < lay.anchors; ++a) {
        for (int64_t gy = 0; gy < lay.grid.h; ++gy) {
          for (int64_t gx = 0; gx < lay.grid.w; ++gx) {
            const float objectness = sigmoid(v[lay.at(n, a, kObj, gy, gx)]);
            if (objectness < options.score_threshold) continue;  // every score is <= objectness
            const Box box =
                decode_box(v[lay.at(n, a, kTx, gy, gx)], v[lay.at(n, a, kTy, gy, gx)],
                           v[lay.at(n, a, kTw, gy, gx)], v[lay.at(n, a, kTh, gy, gx)], int(gx),
                           int(gy), level.anchors[a], level.stride, config.xy_scale);
            if (options.multi_label) {
              for (int k = 0; k < K; ++k) {
                const float score = objectness * sigmoid(v[lay.at(n, a, kCls + k, gy, gx)]);
                if (score >= options.score_threshold) detections[n].push_back({box, score, k});
              }
            } else {
              int best = 0;  // sigmoid is monotone: the largest logit is the best class
              for (int k = 1; k < K; ++k) {
                if (v[lay.at(n, a, kCls + k, gy, gx)] > v[lay.at(n, a, kCls + best, gy, gx)]) {
                  best = k;
                }
              }
              const float score = objectness * sigmoid(v[lay.at(n, a, kCls + best, gy, gx)]);
              if (score >= options.score_threshold) detections[n].push_back({box, score, best});
            }
          }
        }
      }
    }
  }
  return detections;
}

namespace {

// Host buffers of one level's targets while they are being built.
struct LevelTargets {
  Layout lay;
  std::vector<float> target, objectness_weight, class_weight, xy_weight, wh_weight;
  // Per (n, a, gy, gx) slot: the ground truth that owns it (-1: none) and its claim: shape IoU,
  // plus 1 when the box's centre is in that cell (so centre claims beat neighbour claims).
  std::vector<int> owner;
  std::vector<float> owner_claim;
  std::vector<char> ignored;
  int collisions = 0;

  int64_t slot(int64_t n, int64_t a, int64_t gy, int64_t gx) const {
    return ((n * lay.anchors + a) * lay.grid.h + gy) * lay.grid.w + gx;
  }
};

}  // namespace

std::vector<YoloTargets> yolo_build_targets(
    const std::vector<Tensor>& outputs, const std::vector<std::vector<GroundTruth>>& ground_truths,
    const YoloConfig& config, const TargetOptions& options) {
  const char* op = "yolo_build_targets";
  const auto grids = check_outputs(op, outputs, config);
  const int64_t N = grids.front().n;
  if (int64_t(ground_truths.size()) != N) {
    throw Error(std::string(op) + ": " + std::to_string(ground_truths.size()) +
                " ground-truth lists for a batch of " + std::to_string(N));
  }
  const int V = config.values_per_anchor();
  const int K = config.num_classes;
  if (!options.class_weights.empty()) {
    bool ok = int(options.class_weights.size()) == K;
    for (float w : options.class_weights) ok = ok && w > 0 && std::isfinite(w);
    if (!ok) {
      throw Error(std::string(op) + ": class_weights needs " + std::to_string(K) +
                  " positive finite weights (one per class), got " +
                  std::to_string(options.class_weights.size()));
    }
  }
  if (options.neighbour_cells && !(config.xy_scale >= 2.f)) {
    throw Error(std::string(op) + ": neighbour_cells needs xy_scale >= 2 (got " +
                std::to_string(config.xy_scale) + "), or the neighbours cannot reach the centre");
  }

  std::vector<LevelTargets> levels;
  for (size_t l = 0; l < outputs.size(); ++l) {
    LevelTargets t;
    t.lay = Layout{grids[l], int64_t(config.levels[l].anchors.size()), V};
    const size_t numel = size_t(outputs[l].numel());
    t.target.assign(numel, 0.f);
    t.objectness_weight.assign(numel, 0.f);
    t.class_weight.assign(numel, 0.f);
    t.xy_weight.assign(numel, 0.f);
    t.wh_weight.assign(numel, 0.f);
    const size_t slots = size_t(N * t.lay.anchors * t.lay.grid.h * t.lay.grid.w);
    t.owner.assign(slots, -1);
    t.owner_claim.assign(slots, 0.f);
    t.ignored.assign(slots, 0);
    levels.push_back(std::move(t));
  }

  // Validate the boxes first, so a bad one is reported before any work.
  for (int64_t n = 0; n < N; ++n) {
    for (size_t g = 0; g < ground_truths[n].size(); ++g) {
      const GroundTruth& gt = ground_truths[n][g];
      const std::string which =
          std::string(op) + ": image " + std::to_string(n) + " box " + std::to_string(g) + " ";
      if (gt.label < 0 || gt.label >= K) {
        throw Error(which + "has label " + std::to_string(gt.label) + " outside [0, " +
                    std::to_string(K) + ")");
      }
      if (!(gt.box.width() > 0 && gt.box.height() > 0)) {
        throw Error(which + box_str(gt.box) + " has no area");
      }
      for (size_t l = 0; l < levels.size(); ++l) {
        const float in_w = float(grids[l].w * config.levels[l].stride);
        const float in_h = float(grids[l].h * config.levels[l].stride);
        const float cx = gt.box.center_x(), cy = gt.box.center_y();
        if (!(cx >= 0 && cx < in_w && cy >= 0 && cy < in_h)) {
          throw Error(which + box_str(gt.box) + " has its centre outside the " +
                      std::to_string(int(in_w)) + "x" + std::to_string(int(in_h)) +
                      " input of level " + std::to_string(l));
        }
      }
    }
  }

  // YOLOv3's ignore rule: negatives that already predict a ground truth well are not pushed down.
  if (options.ignore_iou < 1.f) {
    for (size_t l = 0; l < levels.size(); ++l) {
      LevelTargets& t = levels[l];
      const YoloLevel& level = config.levels[l];
      const std::vector<float> v = outputs[l].to_vector();
      for (int64_t n = 0; n < N; ++n) {
        if (ground_truths[n].empty()) continue;
        for (int64_t a = 0; a < t.lay.anchors; ++a) {
          for (int64_t gy = 0; gy < t.lay.grid.h; ++gy) {
            for (int64_t gx = 0; gx < t.lay.grid.w; ++gx) {
              const Box predicted =
                  decode_box(v[t.lay.at(n, a, kTx, gy, gx)], v[t.lay.at(n, a, kTy, gy, gx)],
                             v[t.lay.at(n, a, kTw, gy, gx)], v[t.lay.at(n, a, kTh, gy, gx)],
                             int(gx), int(gy), level.anchors[a], level.stride, config.xy_scale);
              for (const GroundTruth& gt : ground_truths[n]) {
                if (iou(predicted, gt.box) > options.ignore_iou) {
                  t.ignored[t.slot(n, a, gy, gx)] = 1;
                  break;
                }
              }
            }
          }
        }
      }
    }
  }

  for (int64_t n = 0; n < N; ++n) {
    for (size_t g = 0; g < ground_truths[n].size(); ++g) {
      const Box& box = ground_truths[n][g].box;
      const BoxSize size{box.width(), box.height()};
      // The best anchor over all levels, then any others above extra_anchor_iou.
      int best_level = 0, best_anchor = 0;
      float best_iou = -1.f;
      for (size_t l = 0; l < levels.size(); ++l) {
        for (size_t a = 0; a < config.levels[l].anchors.size(); ++a) {
          const float s = shape_iou(size, config.levels[l].anchors[a]);
          if (s > best_iou) {
            best_iou = s;
            best_level = int(l);
            best_anchor = int(a);
          }
        }
      }
      for (size_t l = 0; l < levels.size(); ++l) {
        for (size_t a = 0; a < config.levels[l].anchors.size(); ++a) {
          const float s = shape_iou(size, config.levels[l].anchors[a]);
          const bool best = int(l) == best_level && int(a) == best_anchor;
          if (!best && !(options.extra_anchor_iou < 1.f && s > options.extra_anchor_iou)) continue;
          LevelTargets& t = levels[l];
          const int stride = config.levels[l].stride;
          const int64_t gx = std::min<int64_t>(int64_t(box.center_x() / stride), t.lay.grid.w - 1);
          const int64_t gy = std::min<int64_t>(int64_t(box.center_y() / stride), t.lay.grid.h - 1);
          auto claim = [&](int64_t cx, int64_t cy, float strength) {
            const int64_t slot = t.slot(n, int64_t(a), cy, cx);
            if (t.owner[slot] >= 0) {
              ++t.collisions;
              if (!(strength > t.owner_claim[slot])) return;  // the earlier box keeps it on ties
            }
            t.owner[slot] = int(g);
            t.owner_claim[slot] = strength;
          };
          claim(gx, gy, 1.f + s);
          if (options.neighbour_cells) {
            // YOLOv5: the neighbour on the side of the cell the centre is nearer to.
            const float fx = box.center_x() / stride - float(gx);
            const float fy = box.center_y() / stride - float(gy);
            if (fx < 0.5f && gx > 0) claim(gx - 1, gy, s);
            if (fx > 0.5f && gx + 1 < t.lay.grid.w) claim(gx + 1, gy, s);
            if (fy < 0.5f && gy > 0) claim(gx, gy - 1, s);
            if (fy > 0.5f && gy + 1 < t.lay.grid.h) claim(gx, gy + 1, s);
          }
        }
      }
    }
  }

  std::vector<YoloTargets> result;
  for (size_t l = 0; l < levels.size(); ++l) {
    LevelTargets& t = levels[l];
    const YoloLevel& level = config.levels[l];
    const float input_area =
        float(t.lay.grid.w * level.stride) * float(t.lay.grid.h * level.stride);
    YoloTargets out;
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t a = 0; a < t.lay.anchors; ++a) {
        for (int64_t gy = 0; gy < t.lay.grid.h; ++gy) {
          for (int64_t gx = 0; gx < t.lay.grid.w; ++gx) {
            const int64_t slot = t.slot(n, a, gy, gx);
            const int owner = t.owner[slot];
            if (owner < 0) {
              const bool ignore = t.ignored[slot] != 0;
              out.num_ignored += ignore;
              t.objectness_weight[t.lay.at(n, a, kObj, gy, gx)] =
                  ignore ? 0.f : options.negative_weight;
              continue;
            }
            const GroundTruth& gt = ground_truths[n][owner];
            const BoxTargets bt = encode_box(gt.box, int(gx), int(gy), level.anchors[a],
                                             level.stride, config.xy_scale);
            const float box_weight =
                options.scale_box_weight_by_size ? 2.f - area(gt.box) / input_area : 1.f;
            t.target[t.lay.at(n, a, kTx, gy, gx)] = bt.sx;
            t.target[t.lay.at(n, a, kTy, gy, gx)] = bt.sy;
            t.target[t.lay.at(n, a, kTw, gy, gx)] = bt.tw;
            t.target[t.lay.at(n, a, kTh, gy, gx)] = bt.th;
            t.target[t.lay.at(n, a, kObj, gy, gx)] = 1.f;
            t.target[t.lay.at(n, a, kCls + gt.label, gy, gx)] = 1.f;
            t.objectness_weight[t.lay.at(n, a, kObj, gy, gx)] = 1.f;
            const float class_weight =
                options.class_weights.empty() ? 1.f : options.class_weights[size_t(gt.label)];
            for (int k = 0; k < K; ++k)
              t.class_weight[t.lay.at(n, a, kCls + k, gy, gx)] = class_weight;
            t.xy_weight[t.lay.at(n, a, kTx, gy, gx)] = box_weight;
            t.xy_weight[t.lay.at(n, a, kTy, gy, gx)] = box_weight;
            t.wh_weight[t.lay.at(n, a, kTw, gy, gx)] = box_weight;
            t.wh_weight[t.lay.at(n, a, kTh, gy, gx)] = box_weight;
            ++out.num_positives;
          }
        }
      }
    }
    const Shape& shape = outputs[l].shape();
    const Device device = outputs[l].device();
    out.target = Tensor::from_vector(t.target, shape, device);
    out.objectness_weight = Tensor::from_vector(t.objectness_weight, shape, device);
    out.class_weight = Tensor::from_vector(t.class_weight, shape, device);
    out.xy_weight = Tensor::from_vector(t.xy_weight, shape, device);
    out.wh_weight = Tensor::from_vector(t.wh_weight, shape, device);
    out.num_collisions = t.collisions;
    result.push_back(std::move(out));
  }
  return result;
}

std::vector<Anchor> anchors_from_kmeans(const std::vector<BoxSize>& sizes, int k, uint64_t seed,
                                        int max_iterations) {
  const size_t n = sizes.size();
  if (k < 1 || size_t(k) > n) {
    throw Error("anchors_from_kmeans: k = " + std::to_string(k) +
                " needs 1 <= k <= " + std::to_string(n) + " (the number of boxes)");
  }
  for (size_t i = 0; i < n; ++i) {
    if (!(sizes[i].w > 0 && sizes[i].h > 0)) {
      throw Error("anchors_from_kmeans: box " + std::to_string(i) + " has size " +
                  std::to_string(sizes[i].w) + "x" + std::to_string(sizes[i].h));
    }
  }
  auto distance = [](const BoxSize& a, const BoxSize& b) { return 1.0 - shape_iou(a, b); };
  auto nearest = [&](const BoxSize& s, const std::vector<Anchor>& centroids) {
    int best = 0;
    for (size_t c = 1; c < centroids.size(); ++c) {
      if (distance(s, centroids[c]) < distance(s, centroids[best])) best = int(c);
    }
    return best;
  };

  // k-means++ seeding: each next centroid drawn with probability proportional to distance^2.
  Generator gen(seed);
  const size_t first = std::min(n - 1, size_t(gen.uniform() * double(n)));
  std::vector<Anchor> centroids{sizes[first]};
  std::vector<char> chosen(n, 0);
  chosen[first] = 1;
  while (int(centroids.size()) < k) {
    std::vector<double> weight(n);
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      const double d = distance(sizes[i], centroids[nearest(sizes[i], centroids)]);
      weight[i] = d * d;
      total += weight[i];
    }
    size_t pick = n;
    if (total > 0) {
      double r = double(gen.uniform()) * total;
      for (size_t i = 0; i < n && pick == n; ++i) {
        if (weight[i] > 0 && (r < weight[i] || i + 1 == n)) pick = i;
        r -= weight[i];
      }
      if (pick == n) {  // rounding left r past the end: take the last point with weight
        for (size_t i = n; i-- > 0 && pick == n;) {
          if (weight[i] > 0) pick = i;
        }
      }
    } else {
      // Fewer distinct sizes than k: duplicate centroids are all that is left.
      for (size_t i = 0; i < n && pick == n; ++i) {
        if (!chosen[i]) pick = i;
      }
    }
    chosen[pick] = 1;
    centroids.push_back(sizes[pick]);
  }

  std::vector<int> assignment(n, -1);
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
      const int c = nearest(sizes[i], centroids);
      changed |= c != assignment[i];
      assignment[i] = c;
    }
    if (!changed) break;
    std::vector<double> sum_w(k, 0), sum_h(k, 0);
    std::vector<int> count(k, 0);
    for (size_t i = 0; i < n; ++i) {
      sum_w[assignment[i]] += sizes[i].w;
      sum_h[assignment[i]] += sizes[i].h;
      count[assignment[i]] += 1;
    }
    for (int c = 0; c < k; ++c) {
      if (count[c] > 0) {
        centroids[c] = Anchor{float(sum_w[c] / count[c]), float(sum_h[c] / count[c])};
        continue;
      }
      // An empty cluster restarts at the box worst served by its centroid.
      size_t worst = 0;
      double worst_d = -1;
      for (size_t i = 0; i < n; ++i) {
        const double d = distance(sizes[i], centroids[assignment[i]]);
        if (d > worst_d) {
          worst_d = d;
          worst = i;
        }
      }
      centroids[c] = sizes[worst];
      assignment[worst] = -1;  // forces another pass
    }
  }
  std::stable_sort(centroids.begin(), centroids.end(),
                   [](const Anchor& a, const Anchor& b) { return a.w * a.h < b.w * b.h; });
  return centroids;
}

double mean_best_anchor_iou(const std::vector<BoxSize>& sizes, const std::vector<Anchor>& anchors) {
  if (sizes.empty() || anchors.empty()) {
    throw Error("mean_best_anchor_iou: needs at least one size and one anchor");
  }
  double total = 0;
  for (const auto& s : sizes) {
    float best = 0;
    for (const auto& a : anchors) best = std::max(best, shape_iou(s, a));
    total += best;
  }
  return total / double(sizes.size());
}

}  // namespace cnn::detect
