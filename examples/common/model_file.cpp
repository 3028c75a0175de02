// Opening an example program's model file (see model_file.h).
#include "common/model_file.h"

namespace example_common {

ModelFile::ModelFile(const std::string& path, const std::string& format, const std::string& writer)
    : path_(path), writer_(writer) {
  try {
    contents_ = cnn::serialize::load_safetensors(path);
  } catch (const std::exception& e) {
    throw InputError(std::string("cannot load model: ") + e.what());
  }
  if (field("format") != format) {
    throw InputError("model file '" + path + "' has format '" + field("format") + "', expected " +
                     format);
  }
}

const std::string& ModelFile::field(const std::string& key) const {
  const auto it = contents_.metadata.find(key);
  if (it == contents_.metadata.end()) {
    throw InputError("model file '" + path_ + "' has no '" + key +
                     "' metadata; expected a model.safetensors written by " + writer_);
  }
  return it->second;
}

InputError ModelFile::malformed(const std::string& what) const {
  return InputError("model file '" + path_ + "' is malformed: " + what);
}

}  // namespace example_common
