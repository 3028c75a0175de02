// TensorFlow.js weights: the `*-weights_manifest.json` + binary shards format that tfjs models
// (and face-api's pretrained models) ship in, read into named CPU float32 tensors.
//
// The manifest is a JSON array of groups {"paths": [shard files], "weights": [entries]}; a group's
// shards are concatenated in order and its entries {name, shape, dtype, quantization?} are laid
// end to end in that byte stream. Choices that matter:
//   - Values are decoded exactly as tfjs's io.decodeWeights does: float32 and int32 raw (int32 is
//     converted to float), uint8/uint16 quantized entries as float(q * scale + min) computed in
//     double (tfjs computes in JS numbers and stores into a Float32Array), float16-quantized
//     entries converted exactly (subnormals, infinities and NaN included).
//   - Tensors keep TensorFlow's layouts (HWIO conv filters, [H,W,C,M] depthwise filters, [in,out]
//     dense kernels); the *_to_* helpers below convert them to libcnn's (PyTorch's) layouts.
//   - Loading trusts nothing: a missing shard, shards shorter or longer than the entries need, an
//     unknown dtype or quantization, a malformed shape or malformed JSON is a cnn::Error naming the
//     manifest file and the tensor (or group/shard) - never a crash or an out-of-bounds read.
#pragma once

#include <string>

#include "cnn/nn/module.h"
#include "cnn/tensor.h"

namespace cnn::serialize {

struct TfjsWeights {
  std::string manifest_path;
  nn::NamedTensors tensors;  // manifest order, TensorFlow layouts, CPU

  // The tensor called `name`, which must have exactly `shape` (TensorFlow layout). A missing name
  // or another shape is a cnn::Error naming the manifest, the tensor and both shapes.
  const Tensor& get(const std::string& name, const Shape& shape) const;
};

// Reads `manifest_path` and the shards it names (paths relative to the manifest's directory).
TfjsWeights load_tfjs_weights(const std::string& manifest_path);

// ---- layout conversion (new contiguous CPU tensors; a wrong rank is a cnn::Error) ----
// Conv filter [H, W, in, out] (TensorFlow HWIO) -> [out, in, H, W] (OIHW).
Tensor tfjs_conv_filter_to_oihw(const Tensor& hwio);
// Depthwise filter [H, W, C, M] (channel multiplier M) -> [C*M, 1, H, W]: output channel c*M + m,
// the weight of a grouped conv with groups == C (PyTorch's depthwise layout; [C,1,H,W] for M=1).
Tensor tfjs_depthwise_filter_to_c1hw(const Tensor& hwcm);
// Dense kernel [in, out] -> [out, in] (what cnn::linear takes).
Tensor tfjs_dense_to_out_in(const Tensor& in_out);

}  // namespace cnn::serialize
