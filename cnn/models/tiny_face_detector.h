// face-api's TinyFaceDetector (@vladmandic/face-api 1.7.15, from face-api.js), rebuilt from
// libcnn ops and loaded from face-api's pretrained TensorFlow.js weights, with face-api's pre- and
// post-processing reproduced exactly.
//
// The network (face-api src/tinyYolov2/TinyYolov2Base.ts runMobilenet, TinyFaceDetector.ts):
//   conv0 3x3 'valid' 3->16, leaky 0.1; max-pool 2x2/2 'same'
//   conv1..conv5: depthwise 3x3 (pad 1) + pointwise 1x1 + bias, leaky 0.1, 16->32->...->512;
//   max-pool 2x2 'same' with stride 2 after conv1..conv4 and stride 1 after conv5
//   conv8 1x1 512->25: per cell 5 anchors x (x, y, w, h, objectness)
// A 416x416 input gives a 13x13 grid. TensorFlow's 'same' pooling pads only at the bottom/right
// (max-pool ignores the padding), which matters for the odd sizes 207 and 13.
//
// Choices that matter for matching face-api to the last bit of its logic:
//   - Pre-processing (NetInput.toBatchTensor(inputSize, isCenterInputs=false)): zero-pad the
//     image at the right or bottom to a square, resize it to inputSize with tfjs's CPU
//     resizeBilinear (align_corners=false, half_pixel_centers=false: source = dst * in/out,
//     interpolated in double, stored as float), subtract the mean RGB (117.001, 114.697, 97.404)
//     and divide by 255 in float. The padding is zero before the mean is subtracted.
//   - Decoding (extractBoxes) is done in double as JavaScript does: sigmoid scores, keep those
//     strictly above the threshold, centre = (cell + sigmoid) / grid, size = exp * anchor / grid,
//     both multiplied by the correction factors inputSize / round(side * inputSize / longest side).
//   - NMS is face-api's own (ops/nonMaxSuppression.ts), not cnn::detect::nms: boxes scaled to the
//     input size, a stable ascending sort by score popped from the end (so equal scores pick the
//     later box first), IoU in double, and a box survives when its IoU is <= 0.4. The toolkit's
//     nms visits equal scores in input order and computes in float, which can pick a different
//     box of a tie, so it is not used here.
//   - Boxes are returned in original-image pixels, unclipped (face-api does not clip either).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cnn/data/image.h"
#include "cnn/detect/boxes.h"
#include "cnn/nn/module.h"
#include "cnn/tensor.h"

namespace cnn::models {

struct FaceDetection {
  detect::Box box;  // original-image pixels, x2/y2 exclusive (face-api's box.right/bottom)
  float score = 0;  // sigmoid objectness
};

// The constants face-api's TinyFaceDetector uses (src/tinyFaceDetector/const.ts).
struct TinyFaceDetectorConfig {
  static constexpr int kAnchors = 5;
  static constexpr int kBoxEncoding = 5;  // x, y, w, h, objectness (one class: no class scores)
  static constexpr float kLeakySlope = 0.10000000149011612f;
  static constexpr double kIouThreshold = 0.4;
  static constexpr double kAnchorW[kAnchors] = {1.603231, 6.041143, 2.882459, 4.266906, 9.041765};
  static constexpr double kAnchorH[kAnchors] = {2.094468, 7.080126, 3.518061, 5.178857, 10.66308};
  static constexpr float kMeanRgb[3] = {117.001f, 114.697f, 97.404f};
};

// ---- face-api's pre- and post-processing, usable without the network ----

// One image -> its network input [3, input_size, input_size] values (CHW, float), exactly as
// face-api prepares a tensor input. requires input_size > 0 and a non-empty image.
std::vector<float> tiny_face_detector_preprocess(const data::RgbImage& rgb, int input_size);

// Images -> the batched network input [N, 3, input_size, input_size] on the CPU.
Tensor tiny_face_detector_input(const std::vector<data::RgbImage>& images, int input_size);

// Decodes one image's head output (`head`: [25, grid, grid] values, channel = anchor*5 + k) for an
// image of image_width x image_height fed at input_size, applies the threshold and face-api's NMS,
// and returns the faces in descending score order (NMS pick order), in image pixels.
std::vector<FaceDetection> tiny_face_detector_decode(const float* head, int grid, int image_width,
                                                     int image_height, int input_size,
                                                     double score_threshold);

// face-api's nonMaxSuppression over boxes (any common scale) and scores: the indices kept, in
// pick order. Exposed for tests.
std::vector<int> face_api_nms(const std::vector<detect::Box>& boxes,
                              const std::vector<double>& scores, double iou_threshold);

// ---- the network ----

class TinyFaceDetector : public nn::Module {
 public:
  // Builds the net with its layer shapes; weights are zero until loaded.
  TinyFaceDetector();

  // Loads `model_dir`/tiny_face_detector_model-weights_manifest.json (face-api's model/ folder,
  // see cnn/models/model_cache.h) through load_tfjs_weights, checking every name and shape.
  static std::shared_ptr<TinyFaceDetector> load(const std::string& model_dir);

  // x [N, 3, S, S] prepared input (tiny_face_detector_input), S a multiple of 32 and >= 32
  // -> head output [N, 25, S/32, S/32].
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "TinyFaceDetector"; }
  Shape output_shape(const Shape& input) const override;

  // Full pipeline on one RGB image (runs on the device the weights are on).
  // requires input_size a positive multiple of 32 and 0 < score_threshold < 1, as face-api does.
  // The threshold is a double because face-api compares against a JavaScript number.
  std::vector<FaceDetection> detect(const data::RgbImage& rgb, int input_size = 416,
                                    double score_threshold = 0.5);
  // The same for several images at once (one batched forward pass).
  std::vector<std::vector<FaceDetection>> detect(const std::vector<data::RgbImage>& images,
                                                 int input_size = 416,
                                                 double score_threshold = 0.5);

 private:
  struct SeparableConv {
    Tensor depthwise_weight;  // [C, 1, 3, 3]
    Tensor pointwise_weight;  // [K, C, 1, 1]
    Tensor bias;              // [K]
  };
  Tensor conv0_weight_, conv0_bias_;  // [16, 3, 3, 3], [16]
  SeparableConv separable_[5];        // conv1 .. conv5
  Tensor conv8_weight_, conv8_bias_;  // [25, 512, 1, 1], [25]
};

}  // namespace cnn::models
