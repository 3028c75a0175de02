// Opening a model file written by one of the example programs: a safetensors file whose
// metadata names its format ("mask-classifier/1", "mask-detector/1") and the network's shape.
// Both programs read their models the same way, so the error messages a user sees for a wrong,
// old or damaged file are the same too: each names the file and what was expected.
#pragma once

#include <string>

#include "cnn/serialize/safetensors.h"
#include "common/exit_codes.h"

namespace example_common {

class ModelFile {
 public:
  // Loads `path` and checks its "format" metadata against `format`. `writer` names the program
  // that writes such files ("mask-detector train") for the messages.
  // ensures: throws InputError "cannot load model: ..." when the file is not safetensors, and
  //   "model file 'P' has format 'X', expected F" for another format.
  ModelFile(const std::string& path, const std::string& format, const std::string& writer);

  const std::string& path() const { return path_; }
  const cnn::serialize::SafetensorsContents& contents() const { return contents_; }
  bool has(const std::string& key) const { return contents_.metadata.count(key) != 0; }
  // The metadata value of `key`; InputError naming the file, the key and the writer if absent.
  const std::string& field(const std::string& key) const;

  // Runs `build()` (which reads fields and builds the network) and turns any error other than an
  // InputError into InputError "model file 'P' is malformed: ..." (a bad number, bad JSON, a
  // tensor that does not fit).
  template <class Build>
  auto parse(Build&& build) const -> decltype(build()) {
    try {
      return build();
    } catch (const InputError&) {
      throw;
    } catch (const std::exception& e) {
      throw malformed(e.what());
    }
  }

 private:
  InputError malformed(const std::string& what) const;

  std::string path_, writer_;
  cnn::serialize::SafetensorsContents contents_;
};

}  // namespace example_common
