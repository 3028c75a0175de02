// safetensors writer and validating reader (see safetensors.h for the format and the checks).
#include "cnn/serialize/safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "cnn/detail/atomic_file.h"
#include "cnn/error.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libcnn's safetensors I/O assumes a little-endian host"
#endif

namespace cnn::serialize {
namespace {

using json = nlohmann::json;

// The reference implementation's cap; a larger header is hostile or corrupt, and refusing it
// early avoids allocating whatever a garbage length field claims.
constexpr uint64_t kMaxHeaderBytes = 100u * 1000u * 1000u;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("safetensors file '" + path + "': " + what);
}

struct Entry {
  std::string name;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

Entry parse_entry(const std::string& path, const std::string& name, const json& v,
                  uint64_t data_size) {
  if (!v.is_object()) fail(path, "tensor '" + name + "': header entry is not an object");
  Entry e{name, {}, 0, 0};
  const auto dtype = v.find("dtype");
  if (dtype == v.end() || !dtype->is_string()) fail(path, "tensor '" + name + "': missing dtype");
  if (dtype->get<std::string>() != "F32") {
    fail(path, "tensor '" + name + "': dtype " + dtype->get<std::string>() +
                   " is not supported (libcnn reads F32)");
  }
  const auto shape = v.find("shape");
  if (shape == v.end() || !shape->is_array()) fail(path, "tensor '" + name + "': missing shape");
  uint64_t numel = 1;
  for (const json& d : *shape) {
    if (!d.is_number_unsigned()) {
      fail(path, "tensor '" + name + "': shape " + shape->dump() + " has a non-integer entry");
    }
    const uint64_t dim = d.get<uint64_t>();
    if (dim != 0 && numel > std::numeric_limits<uint64_t>::max() / 4 / dim) {
      fail(path, "tensor '" + name + "': shape " + shape->dump() + " overflows");
    }
    numel *= dim;
    e.shape.push_back(static_cast<int64_t>(dim));
  }
  const auto offsets = v.find("data_offsets");
  if (offsets == v.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
    fail(path, "tensor '" + name + "': data_offsets must be [begin, end]");
  }
  e.begin = (*offsets)[0].get<uint64_t>();
  e.end = (*offsets)[1].get<uint64_t>();
  if (e.begin > e.end || e.end > data_size) {
    fail(path, "tensor '" + name + "': data_offsets [" + std::to_string(e.begin) + ", " +
                   std::to_string(e.end) + "] lie outside the data section of " +
                   std::to_string(data_size) + " bytes (truncated file?)");
  }
  if (e.end - e.begin != numel * sizeof(float)) {
    fail(path, "tensor '" + name + "': shape " + shape_str(e.shape) + " needs " +
                   std::to_string(numel * sizeof(float)) + " bytes but data_offsets span " +
                   std::to_string(e.end - e.begin));
  }
  return e;
}

}  // namespace

void save_safetensors(const std::string& path, const nn::NamedTensors& tensors,
                      const Metadata& metadata) {
  json header = json::object();
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__" || !names.insert(name).second) {
      throw Error("save_safetensors '" + path + "': duplicate or reserved tensor name '" + name +
                  "'");
    }
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * sizeof(float);
    header[name] = {
        {"dtype", "F32"}, {"shape", t.shape()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // align the data section to 8 bytes (spec allows)
  const uint64_t header_len = text.size();

  detail::write_file_atomically(path, [&](std::FILE* f) {
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(header_len >> (8 * i));
    bool ok = std::fwrite(len, 1, 8, f) == 8 &&
              std::fwrite(text.data(), 1, text.size(), f) == text.size();
    for (const auto& [name, t] : tensors) {
      if (!ok) break;
      const std::vector<float> values = t.to_vector();  // device tensors are copied to the host
      ok = std::fwrite(values.data(), sizeof(float), values.size(), f) == values.size();
    }
    if (!ok) throw Error("save_safetensors '" + path + "': write failed (disk full?)");
  });
}

SafetensorsContents load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  if (file_size < 8) {
    fail(path, "only " + std::to_string(file_size) +
                   " bytes, too short for the 8-byte header length (truncated or not safetensors)");
  }
  unsigned char len[8];
  in.read(reinterpret_cast<char*>(len), 8);
  uint64_t header_len = 0;
  for (int i = 0; i < 8; ++i) header_len |= uint64_t(len[i]) << (8 * i);
  if (header_len > kMaxHeaderBytes) {
    fail(path, "header length " + std::to_string(header_len) + " exceeds the " +
                   std::to_string(kMaxHeaderBytes) + "-byte limit (corrupt or not safetensors)");
  }
  if (header_len > file_size - 8) {
    fail(path, "header length " + std::to_string(header_len) + " exceeds the file size " +
                   std::to_string(file_size) + " (truncated or not safetensors)");
  }
  std::string text(header_len, '\0');
  in.read(text.data(), static_cast<std::streamsize>(header_len));
  if (!in) fail(path, "read error in the header");

  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception& e) {
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail(path, "header is not a JSON object");

  const uint64_t data_start = 8 + header_len;
  const uint64_t data_size = file_size - data_start;
  SafetensorsContents out;
  std::vector<Entry> entries;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) fail(path, "__metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string())
          fail(path, "__metadata__ value '" + m.key() + "' is not a string");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(path, it.key(), it.value(), data_size));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].begin < entries[i - 1].end) {
      fail(path, "tensors '" + entries[i - 1].name + "' and '" + entries[i].name +
                     "' overlap in the data section");
    }
  }
  for (const Entry& e : entries) {
    std::vector<float> values(static_cast<size_t>(shape_numel(e.shape)));
    in.seekg(static_cast<std::streamoff>(data_start + e.begin));
    in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(e.end - e.begin));
    if (!in) fail(path, "tensor '" + e.name + "': read error");
    out.tensors.emplace_back(e.name, Tensor::from_vector(values, e.shape));
  }
  return out;
}

void save_state_dict(const nn::Module& module, const std::string& path) {
  save_safetensors(path, module.state_dict());
}

void load_state_dict(nn::Module& module, const std::string& path) {
  SafetensorsContents contents = load_safetensors(path);
  try {
    module.load_state_dict(contents.tensors, /*strict=*/true);
  } catch (const Error& e) {
    throw Error("safetensors file '" + path + "': " + e.what());
  }
}

namespace testing {
void set_before_rename_hook(std::function<void()> hook) {
  detail::set_before_rename_hook(std::move(hook));
}
}  // namespace testing

}  // namespace cnn::serialize
