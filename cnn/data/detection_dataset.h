// Object-detection data sets: images with labelled boxes, read from Pascal VOC XML folders or
// YOLO txt folders (or generated in memory, see synthetic_scenes.h). Only the annotations and the
// image headers are held; pixels are decoded per batch by DetectionLoader, unless a sample
// carries its pixels in memory.
//
// Choices that matter:
//   - Boxes are cnn::detect::Box in continuous pixel coordinates of the original image (pixel
//     column i covers [i, i+1)). VOC corners are inclusive 1-based pixel indices (the VOC devkit
//     and labelImg, which never writes 0): <xmin>1</xmin><xmax>10</xmax> is x1 = 0, x2 = 10.
//     VocOptions::zero_based reads tools that write 0-based inclusive corners. YOLO lines are
//     `class cx cy w h` normalised to [0, 1] by the image size.
//   - A bad annotation never stops a run and never passes silently: the whole image is skipped
//     (an image with one face unlabelled would teach the detector that a face is background) and
//     reported as a SkippedFile with a reason, like a bad image in ImageFolder; options.strict
//     turns the first skip into a DataError. Bad: a missing or undecodable image, malformed XML,
//     a missing field, a non-numeric or non-finite coordinate, an unknown label, a box of zero or
//     negative size (VOC: xmax <= xmin or ymax <= ymin; equal corners are a click in the tool,
//     not a drawn box), a box outside the image. "Outside" allows edge_tolerance pixels of
//     overshoot (clipped away): labelImg writes xmax = width + 1 now and then (12 boxes of
//     facemask-detect).
//   - Images are checked when the set is read: their header always (size), and with
//     verify_images (default) a full decode on all hardware threads, so a truncated JPEG is
//     reported at load time, not in the middle of an epoch.
//   - Class names: options.classes when given (their order is the label order), else the
//     folder's classes.txt (one name per line), else for VOC the sorted set of names found.
//   - Samples are in sorted name order (or the split file's order), independent of thread timing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cnn/data/dataset.h"
#include "cnn/data/image.h"
#include "cnn/detect/boxes.h"

namespace cnn::data {

// The three labels of facemask-detect, in the order the mask detector uses (with_mask and
// without_mask keep the classifier's labels 0 and 1).
std::vector<std::string> face_mask_classes();

struct AnnotatedBox {
  detect::Box box;         // original-image pixels, see the file comment
  int32_t label = 0;       // index into DetectionDataset::classes
  bool difficult = false;  // VOC <difficult>1</difficult>: neither TP nor FP in evaluation
};

struct DetectionSample {
  std::string image_path;                  // empty for a generated image
  std::string annotation_path;             // the XML or txt file (empty for a generated image)
  int width = 0, height = 0;               // of the original image, in pixels
  std::vector<AnnotatedBox> boxes;         // may be empty (an image with no object)
  std::shared_ptr<const RgbImage> pixels;  // in-memory image, or null: decode image_path
};

struct DetectionDataset {
  std::vector<std::string> classes;  // index = label
  std::vector<DetectionSample> samples;
  std::vector<SkippedFile> skipped;  // annotation or image files found but not usable

  size_t size() const { return samples.size(); }
  size_t num_boxes() const;
  // Number of boxes per label (difficult ones included).
  std::vector<size_t> box_counts() const;
};

// As skip_summary(ImageDataset), for annotated images ("skipped 2 of 40 images: ...").
std::string skip_summary(const DetectionDataset& dataset, size_t max_paths = 5);

struct DetectionFolderOptions {
  std::vector<std::string> classes;  // see the file comment; empty = from the folder
  // Split name: reads ROOT/splits/<split>.txt (one image stem per line) and loads only those, in
  // that order. Empty: every annotation file of the folder.
  std::string split;
  bool strict = false;          // any skipped file is a DataError
  float edge_tolerance = 2.0f;  // pixels a box may extend past the image (clipped away)
  bool zero_based = false;      // VOC only: corners are 0-based inclusive (x1 = xmin, x2 = xmax+1)
  bool verify_images = true;    // decode every image once (else: header only)
  // Keep the decoded images in memory (sample.pixels), so loaders never decode again: W*H*3
  // bytes per image (facemask-detect: 286 MB for all 853), for about 2.5 ms less per image and
  // epoch. Implies verify_images.
  bool keep_pixels = false;
  int threads = 0;             // 0 = std::thread::hardware_concurrency()
  bool show_progress = false;  // progress bar on stderr while checking images
};

// Pascal VOC: ROOT/annotations/NAME.xml (one <object> per box: <name>, <difficult> optional,
// <bndbox> with xmin ymin xmax ymax) and ROOT/images/ holding the <filename> each XML names
// (or, when that is absent, NAME.jpg/.jpeg/.png/.bmp). <size>, when present, must match the image.
// Throws DataError for a missing folder, an unreadable split or classes file, or when no image is
// left.
DetectionDataset load_voc_folder(const std::string& root,
                                 const DetectionFolderOptions& options = {});

// YOLO: ROOT/images/NAME.{jpg,jpeg,png,bmp}, ROOT/labels/NAME.txt (`class cx cy w h` per line,
// normalised; an image without a label file has no objects) and the class names (options.classes,
// or ROOT/classes.txt, or ROOT/obj.names; one is required).
DetectionDataset load_yolo_folder(const std::string& root,
                                  const DetectionFolderOptions& options = {});

// Either of the two, by layout: ROOT/annotations/ means VOC, ROOT/labels/ means YOLO.
DetectionDataset load_detection_folder(const std::string& root,
                                       const DetectionFolderOptions& options = {});

// The sample's pixels: the in-memory image, or the decoded file.
DecodeResult load_sample_image(const DetectionSample& sample);

}  // namespace cnn::data
