// TinyFaceDetector pre- and post-processing: face-api's NetInput/extractBoxes/nonMaxSuppression
// logic, step by step and in the same arithmetic (see tiny_face_detector.h for the choices).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cnn/error.h"
#include "cnn/models/tiny_face_detector.h"

namespace cnn::models {
namespace {

using Config = TinyFaceDetectorConfig;

// face-api's Box (x, y, width, height) in double, as JavaScript numbers hold it.
struct JsBox {
  double x = 0, y = 0, width = 0, height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
  double area() const { return width * height; }
  JsBox rescale(double sx, double sy) const { return {x * sx, y * sy, width * sx, height * sy}; }
};

double sigmoid(double x) {
  return 1 / (1 + std::exp(-x));
}

// ops/iou.ts with isIOU = true.
double js_iou(const JsBox& a, const JsBox& b) {
  const double w = std::max(0.0, std::min(a.right(), b.right()) - std::max(a.x, b.x));
  const double h = std::max(0.0, std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y));
  const double inter = w * h;
  return inter / (a.area() + b.area() - inter);
}

// ops/nonMaxSuppression.ts.
std::vector<int> js_nms(const std::vector<JsBox>& boxes, const std::vector<double>& scores,
                        double iou_threshold) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  // Array.prototype.sort is stable: ascending score, equal scores keep index order.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] < scores[b]; });
  std::vector<int> pick;
  while (!order.empty()) {
    const int current = order.back();
    order.pop_back();
    pick.push_back(current);
    std::vector<int> kept;
    for (int idx : order) {
      if (js_iou(boxes[current], boxes[idx]) <= iou_threshold) kept.push_back(idx);
    }
    order.swap(kept);
  }
  return pick;
}

// The float32 values of the zero-padded square image (padToSquare, isCenterImage = false: the
// padding goes after the image), HWC.
std::vector<float> pad_to_square(const data::RgbImage& rgb, int side) {
  std::vector<float> out(static_cast<size_t>(side) * side * 3, 0.f);
  for (int y = 0; y < rgb.height; ++y) {
    for (int x = 0; x < rgb.width * 3; ++x) {
      out[(static_cast<size_t>(y) * side) * 3 + x] =
          rgb.pixels[(static_cast<size_t>(y) * rgb.width) * 3 + x];
    }
  }
  return out;
}

}  // namespace

std::vector<float> tiny_face_detector_preprocess(const data::RgbImage& rgb, int input_size) {
  check(input_size > 0, "tiny_face_detector_preprocess: input_size " + std::to_string(input_size) +
                            " must be positive");
  check(rgb.width > 0 && rgb.height > 0 &&
            rgb.pixels.size() == static_cast<size_t>(rgb.width) * rgb.height * 3,
        "tiny_face_detector_preprocess: image " + std::to_string(rgb.width) + "x" +
            std::to_string(rgb.height) + " with " + std::to_string(rgb.pixels.size()) +
            " bytes is not packed RGB");
  const int side = std::max(rgb.width, rgb.height);
  const std::vector<float> square = pad_to_square(rgb, side);
  const int S = input_size;
  std::vector<float> out(static_cast<size_t>(3) * S * S);
  // tfjs-backend-cpu resizeBilinear, alignCorners = false, halfPixelCenters = false. When the
  // square already has the input size face-api skips the resize; the formula is then the identity
  // (scale 1, fraction 0), so one path serves both.
  const double scale = static_cast<double>(side) / S;
  for (int r = 0; r < S; ++r) {
    const double src_y = scale * r;
    const int top = std::max(0, static_cast<int>(std::floor(src_y)));
    const double frac_y = src_y - top;
    const int bottom = std::min(side - 1, static_cast<int>(std::ceil(src_y)));
    for (int c = 0; c < S; ++c) {
      const double src_x = scale * c;
      const int left = std::max(0, static_cast<int>(std::floor(src_x)));
      const double frac_x = src_x - left;
      const int right = std::min(side - 1, static_cast<int>(std::ceil(src_x)));
      const float* tl = &square[(static_cast<size_t>(top) * side + left) * 3];
      const float* bl = &square[(static_cast<size_t>(bottom) * side + left) * 3];
      const float* tr = &square[(static_cast<size_t>(top) * side + right) * 3];
      const float* br = &square[(static_cast<size_t>(bottom) * side + right) * 3];
      for (int ch = 0; ch < 3; ++ch) {
        const double t = tl[ch] + (static_cast<double>(tr[ch]) - tl[ch]) * frac_x;
        const double b = bl[ch] + (static_cast<double>(br[ch]) - bl[ch]) * frac_x;
        const float resized = static_cast<float>(t + (b - t) * frac_y);
        // normalize(): float32 subtraction of the mean, then div(255) in float32.
        out[(static_cast<size_t>(ch) * S + r) * S + c] = (resized - Config::kMeanRgb[ch]) / 255.f;
      }
    }
  }
  return out;
}

Tensor tiny_face_detector_input(const std::vector<data::RgbImage>& images, int input_size) {
  check(!images.empty(), "tiny_face_detector_input: no images");
  const size_t per_image = static_cast<size_t>(3) * input_size * input_size;
  std::vector<float> batch;
  batch.reserve(per_image * images.size());
  for (const data::RgbImage& im : images) {
    const std::vector<float> one = tiny_face_detector_preprocess(im, input_size);
    batch.insert(batch.end(), one.begin(), one.end());
  }
  return Tensor::from_vector(batch,
                             {static_cast<int64_t>(images.size()), 3, input_size, input_size});
}

std::vector<int> face_api_nms(const std::vector<detect::Box>& boxes,
                              const std::vector<double>& scores, double iou_threshold) {
  check(boxes.size() == scores.size(), "face_api_nms: " + std::to_string(boxes.size()) +
                                           " boxes but " + std::to_string(scores.size()) +
                                           " scores");
  std::vector<JsBox> js;
  for (const detect::Box& b : boxes) js.push_back({b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1});
  return js_nms(js, scores, iou_threshold);
}

std::vector<FaceDetection> tiny_face_detector_decode(const float* head, int grid, int image_width,
                                                     int image_height, int input_size,
                                                     double score_threshold) {
  check(grid > 0 && image_width > 0 && image_height > 0 && input_size > 0,
        "tiny_face_detector_decode: grid " + std::to_string(grid) + ", image " +
            std::to_string(image_width) + "x" + std::to_string(image_height) + ", input_size " +
            std::to_string(input_size) + " must all be positive");
  // computeReshapedDimensions: the image's size inside the square input, rounded (Math.round;
  // the values are positive, where std::round agrees).
  const double fit = static_cast<double>(input_size) / std::max(image_width, image_height);
  const double reshaped_w = std::round(image_width * fit);
  const double reshaped_h = std::round(image_height * fit);
  const double longest = std::max(reshaped_w, reshaped_h);
  const double correction_x = longest / reshaped_w;
  const double correction_y = longest / reshaped_h;

  const size_t plane = static_cast<size_t>(grid) * grid;
  auto at = [&](int anchor, int k, int row, int col) {
    return static_cast<double>(
        head[(static_cast<size_t>(anchor) * Config::kBoxEncoding + k) * plane +
             static_cast<size_t>(row) * grid + col]);
  };
  std::vector<JsBox> boxes;  // relative to the reshaped image (face-api's BoundingBox)
  std::vector<double> scores;
  for (int row = 0; row < grid; ++row) {
    for (int col = 0; col < grid; ++col) {
      for (int a = 0; a < Config::kAnchors; ++a) {
        const double score = sigmoid(at(a, 4, row, col));
        if (!(score > score_threshold)) continue;
        const double ct_x = ((col + sigmoid(at(a, 0, row, col))) / grid) * correction_x;
        const double ct_y = ((row + sigmoid(at(a, 1, row, col))) / grid) * correction_y;
        const double w =
            ((std::exp(at(a, 2, row, col)) * Config::kAnchorW[a]) / grid) * correction_x;
        const double h =
            ((std::exp(at(a, 3, row, col)) * Config::kAnchorH[a]) / grid) * correction_y;
        const double x = ct_x - w / 2;
        const double y = ct_y - h / 2;
        // new BoundingBox(x, y, x + w, y + h) stores width = right - left.
        boxes.push_back({x, y, (x + w) - x, (y + h) - y});
        scores.push_back(score);
      }
    }
  }
  std::vector<JsBox> scaled;
  for (const JsBox& b : boxes) scaled.push_back(b.rescale(input_size, input_size));
  const std::vector<int> pick = js_nms(scaled, scores, Config::kIouThreshold);

  std::vector<FaceDetection> out;
  const double W = image_width, H = image_height;
  for (int idx : pick) {
    // ObjectDetection rescales the relative box to the image, locateFaces takes relativeBox
    // (rescaled by 1/W, 1/H) and FaceDetection rescales it again: the same double steps here.
    const JsBox image_box = boxes[idx].rescale(W, H).rescale(1 / W, 1 / H).rescale(W, H);
    FaceDetection f;
    f.box = {static_cast<float>(image_box.x), static_cast<float>(image_box.y),
             static_cast<float>(image_box.right()), static_cast<float>(image_box.bottom())};
    f.score = static_cast<float>(scores[idx]);
    out.push_back(f);
  }
  return out;
}

}  // namespace cnn::models
