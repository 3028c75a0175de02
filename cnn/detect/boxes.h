// Axis-aligned boxes for object detection: the xyxy Box, conversions to and from centre/size,
// area, IoU, GIoU, clipping, and the letterbox transform between an image and a square network
// input.
//
// Choices that matter:
// - Coordinates are continuous pixels: a box covering pixel columns 0..9 is x1 = 0, x2 = 10, and
//   its width is x2 - x1 (no "+1" as in the Pascal VOC devkit's integer-pixel convention). A VOC
//   annotation <xmin>1</xmin><xmax>10</xmax> (1-based, inclusive) is x1 = 0, x2 = 10 here.
// - A box with x2 <= x1 or y2 <= y1 is empty: area 0, IoU 0 with everything (no NaN).
// - Host-side float math; these run on decoded detections, not inside the autograd graph.
#pragma once

#include <string>

namespace cnn::detect {

// Corner form (x1, y1) top-left, (x2, y2) bottom-right, in pixels.
struct Box {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;

  float width() const { return x2 - x1; }
  float height() const { return y2 - y1; }
  float center_x() const { return 0.5f * (x1 + x2); }
  float center_y() const { return 0.5f * (y1 + y2); }
};

// Centre/size form, as YOLO heads predict it.
struct BoxCxCyWh {
  float cx = 0, cy = 0, w = 0, h = 0;
};

// A scored, labelled box (a detector's output).
struct Detection {
  Box box;
  float score = 0;
  int label = 0;
};

// An annotated object. `difficult` (VOC's <difficult>1</difficult>) matters to the evaluator
// (map_eval.h: neither rewarded nor penalised); target assignment trains on it like any box.
struct GroundTruth {
  Box box;
  int label = 0;
  bool difficult = false;
};

Box box_from_cxcywh(const BoxCxCyWh& b);
BoxCxCyWh box_to_cxcywh(const Box& b);

// max(0, w) * max(0, h).
float area(const Box& b);
// Intersection over union in [0, 1]; 0 when either box is empty or the union is 0.
float iou(const Box& a, const Box& b);
// Generalised IoU (Rezatofighi et al. 2019): IoU - |C \ (A u B)| / |C|, C the smallest enclosing
// box; in [-1, 1]. 1 - giou is the GIoU loss. Two empty boxes give 0.
float giou(const Box& a, const Box& b);
// The box clipped to [0, width] x [0, height] (may become empty).
Box clip(const Box& b, float width, float height);

std::string box_str(const Box& b);  // "[x1,y1,x2,y2]"

// Letterbox: resize an image of src_width x src_height so that it fits in size x size with its
// aspect ratio kept, and pad the rest. The resized image is resized_width x resized_height
// (rounded to whole pixels, at least 1) and placed at (pad_x, pad_y): centred (YOLOv5's
// letterbox; the odd pixel of padding goes right/bottom) or at the top-left corner (face-api's
// padToSquare). Box coordinates map with the exact per-axis factor of the resized image:
//   x_input = x_image * scale_x + pad_x,   scale_x = resized_width / src_width  (same for y).
enum class LetterboxAlign { center, top_left };

struct Letterbox {
  int src_width = 0, src_height = 0;
  int size = 0;  // the longer side of the resized image's frame
  // The network input: size x size from fit(); from fit_rectangle() the resized image rounded up
  // to whole tiles.
  int input_width = 0, input_height = 0;
  int resized_width = 0, resized_height = 0;
  int pad_x = 0, pad_y = 0;
  float scale_x = 1, scale_y = 1;

  // requires src_width, src_height, size > 0 (cnn::Error otherwise).
  static Letterbox fit(int src_width, int src_height, int size,
                       LetterboxAlign align = LetterboxAlign::center);
  // YOLOv5's rectangular inference: the image scaled as by fit() (longer side = size), in the
  // smallest input whose sides are multiples of `multiple` (640x480 at 416, multiple 32:
  // 416x312 in a 416x320 input, 4 rows of padding above and below instead of 52). Centred.
  // requires positive sizes, and size a multiple of `multiple` (cnn::Error otherwise).
  static Letterbox fit_rectangle(int src_width, int src_height, int size, int multiple);
  // Image pixels -> network input pixels.
  Box to_input(const Box& b) const;
  // Network input pixels -> image pixels (the inverse of to_input); not clipped, so a box in the
  // padding maps outside the image: clip() it if that matters.
  Box to_image(const Box& b) const;
};

}  // namespace cnn::detect
