// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets:[begin,end]}, "__metadata__":
// {string: string}}, then raw little-endian tensor data. libcnn writes and reads F32 tensors.
//
// Loading trusts nothing: the header length is checked against the file size (and a 100 MB cap),
// the JSON must parse, every entry must have a known dtype, non-negative shape, offsets inside the
// data section that match dtype size x element count, and no two tensors may overlap. Any
// violation is a cnn::Error naming the file and the tensor - never a crash or an out-of-bounds
// read.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "cnn/nn/module.h"

namespace cnn::serialize {

using Metadata = std::map<std::string, std::string>;

struct SafetensorsContents {
  nn::NamedTensors tensors;  // in file order of data offsets, on the CPU
  Metadata metadata;
};

// Writes tensors (any device; copied to the host) atomically: temp file in the same directory,
// fflush + fsync, rename over `path`. On any failure the previous file at `path` is intact.
void save_safetensors(const std::string& path, const nn::NamedTensors& tensors,
                      const Metadata& metadata = {});
SafetensorsContents load_safetensors(const std::string& path);

// Model weights: save the module's state_dict / load into it. load checks every name and shape
// against the module (strict) and names the file, the tensor, expected and found shapes.
void save_state_dict(const nn::Module& module, const std::string& path);
void load_state_dict(nn::Module& module, const std::string& path);

namespace testing {
// Test hook: called after the temp file is fully written and synced, right before rename. A hook
// that throws simulates a crash mid-save. Pass an empty function to clear.
void set_before_rename_hook(std::function<void()> hook);
}  // namespace testing

}  // namespace cnn::serialize
