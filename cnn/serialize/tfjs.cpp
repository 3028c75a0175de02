// TensorFlow.js weights manifest reader (see tfjs.h for the format and the checks).
#include "cnn/serialize/tfjs.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cnn/error.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libcnn's tfjs reader assumes a little-endian host (tfjs shards are little-endian)"
#endif

namespace cnn::serialize {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("tfjs weights manifest '" + path + "': " + what);
}

// How one entry's bytes are stored and how they become floats.
enum class Storage { kFloat32, kInt32, kUint8, kUint16, kFloat16 };

size_t bytes_per_element(Storage s) {
  switch (s) {
    case Storage::kFloat32:
    case Storage::kInt32:
      return 4;
    case Storage::kUint16:
    case Storage::kFloat16:
      return 2;
    case Storage::kUint8:
      return 1;
  }
  return 0;
}

struct Entry {
  std::string name;
  Shape shape;
  uint64_t numel = 1;
  Storage storage = Storage::kFloat32;
  bool round_to_int = false;  // int32 weights quantized to uint8/uint16: tfjs rounds
  double scale = 1.0, min = 0.0;
  uint64_t bytes() const { return numel * bytes_per_element(storage); }
};

// IEEE 754 binary16 -> binary32, exact (every half value is representable as a float).
float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // infinity or NaN (payload kept)
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 -> 127
  } else if (mantissa == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal half: normalise the mantissa into a float's implicit-one form.
    int e = 113;  // 127 - 15 + 1
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --e;
    }
    bits = sign | (static_cast<uint32_t>(e) << 23) | ((mantissa & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

Entry parse_entry(const std::string& path, size_t group, const json& w) {
  if (!w.is_object())
    fail(path, "group " + std::to_string(group) + ": a weight entry is not an object");
  const auto name = w.find("name");
  if (name == w.end() || !name->is_string()) {
    fail(path, "group " + std::to_string(group) + ": a weight entry has no string \"name\"");
  }
  Entry e;
  e.name = name->get<std::string>();
  const std::string where = "tensor '" + e.name + "': ";

  const auto shape = w.find("shape");
  if (shape == w.end() || !shape->is_array()) fail(path, where + "missing \"shape\" array");
  for (const json& d : *shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) {
      fail(path, where + "shape " + shape->dump() + " has a negative or non-integer entry");
    }
    const uint64_t dim = d.get<uint64_t>();
    // Bound numel so that numel * 4 bytes and the int64 Shape cannot overflow.
    if (dim != 0 && e.numel > (uint64_t(std::numeric_limits<int64_t>::max()) / 4) / dim) {
      fail(path, where + "shape " + shape->dump() + " overflows");
    }
    e.numel *= dim;
    e.shape.push_back(static_cast<int64_t>(dim));
  }

  const auto dtype = w.find("dtype");
  if (dtype == w.end() || !dtype->is_string()) fail(path, where + "missing \"dtype\"");
  const std::string dt = dtype->get<std::string>();
  if (dt != "float32" && dt != "int32") {
    fail(path, where + "dtype '" + dt + "' is not supported (libcnn reads float32 and int32)");
  }
  e.storage = dt == "float32" ? Storage::kFloat32 : Storage::kInt32;

  const auto quant = w.find("quantization");
  if (quant != w.end()) {
    if (!quant->is_object()) fail(path, where + "\"quantization\" is not an object");
    const auto qdtype = quant->find("dtype");
    if (qdtype == quant->end() || !qdtype->is_string()) {
      fail(path, where + "quantization has no \"dtype\"");
    }
    const std::string q = qdtype->get<std::string>();
    if (q == "uint8" || q == "uint16") {
      e.storage = q == "uint8" ? Storage::kUint8 : Storage::kUint16;
      const auto scale = quant->find("scale");
      const auto min = quant->find("min");
      if (scale == quant->end() || !scale->is_number() || min == quant->end() ||
          !min->is_number()) {
        fail(path, where + q + " quantization needs numeric \"scale\" and \"min\"");
      }
      e.scale = scale->get<double>();
      e.min = min->get<double>();
      e.round_to_int = dt == "int32";
    } else if (q == "float16") {
      if (dt != "float32") {
        fail(path, where + "float16 quantization applies to float32 weights, not " + dt);
      }
      e.storage = Storage::kFloat16;
    } else {
      fail(path, where + "unknown quantization dtype '" + q +
                     "' (tfjs defines uint8, uint16 and float16)");
    }
  }
  return e;
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// Appends the whole file at `shard_path` to `out`; a missing or unreadable shard is an error.
void append_shard(const std::string& manifest, const std::string& shard_path, size_t group,
                  std::vector<unsigned char>& out) {
  std::ifstream in(shard_path, std::ios::binary);
  if (!in) {
    fail(manifest, "group " + std::to_string(group) + ": cannot open shard '" + shard_path +
                       "': " + std::strerror(errno));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0);
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(out.data() + start), size);
  if (!in) fail(manifest, "read error in shard '" + shard_path + "'");
}

std::vector<float> decode(const Entry& e, const unsigned char* p) {
  std::vector<float> v(static_cast<size_t>(e.numel));
  for (size_t i = 0; i < v.size(); ++i) {
    switch (e.storage) {
      case Storage::kFloat32:
        std::memcpy(&v[i], p + 4 * i, 4);
        break;
      case Storage::kInt32: {
        int32_t x;
        std::memcpy(&x, p + 4 * i, 4);
        v[i] = static_cast<float>(x);
        break;
      }
      case Storage::kUint8:
      case Storage::kUint16: {
        uint16_t q = p[i];
        if (e.storage == Storage::kUint16) std::memcpy(&q, p + 2 * i, 2);
        const double x = q * e.scale + e.min;  // tfjs: JS double, then stored as float32
        v[i] = static_cast<float>(e.round_to_int ? std::round(x) : x);
        break;
      }
      case Storage::kFloat16: {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        v[i] = half_to_float(h);
        break;
      }
    }
  }
  return v;
}

}  // namespace

const Tensor& TfjsWeights::get(const std::string& name, const Shape& shape) const {
  for (const auto& [n, t] : tensors) {
    if (n != name) continue;
    if (t.shape() != shape) {
      fail(manifest_path, "tensor '" + name + "' has shape " + shape_str(t.shape()) +
                              ", expected " + shape_str(shape));
    }
    return t;
  }
  fail(manifest_path, "no tensor named '" + name + "'");
}

TfjsWeights load_tfjs_weights(const std::string& manifest_path) {
  std::ifstream in(manifest_path);
  if (!in) fail(manifest_path, std::string("cannot open: ") + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  json manifest;
  try {
    manifest = json::parse(text.str());
  } catch (const json::exception& e) {
    fail(manifest_path, std::string("not valid JSON: ") + e.what());
  }
  if (!manifest.is_array()) fail(manifest_path, "expected a JSON array of weight groups");

  TfjsWeights out;
  out.manifest_path = manifest_path;
  std::set<std::string> names;
  const std::string dir = directory_of(manifest_path);
  for (size_t g = 0; g < manifest.size(); ++g) {
    const json& group = manifest[g];
    const std::string gname = "group " + std::to_string(g);
    if (!group.is_object()) fail(manifest_path, gname + " is not an object");
    const auto paths = group.find("paths");
    const auto weights = group.find("weights");
    if (paths == group.end() || !paths->is_array()) {
      fail(manifest_path, gname + ": missing \"paths\" array");
    }
    if (weights == group.end() || !weights->is_array()) {
      fail(manifest_path, gname + ": missing \"weights\" array");
    }
    std::vector<Entry> entries;
    for (const json& w : *weights) {
      entries.push_back(parse_entry(manifest_path, g, w));
      if (!names.insert(entries.back().name).second) {
        fail(manifest_path, "tensor '" + entries.back().name + "' appears twice");
      }
    }

    std::vector<unsigned char> bytes;
    for (const json& p : *paths) {
      if (!p.is_string()) fail(manifest_path, gname + ": a shard path is not a string");
      append_shard(manifest_path, dir + p.get<std::string>(), g, bytes);
    }

    uint64_t offset = 0;
    for (const Entry& e : entries) {
      const uint64_t need = e.bytes();
      if (need > bytes.size() - offset) {
        fail(manifest_path, "tensor '" + e.name + "' " + shape_str(e.shape) + " needs bytes [" +
                                std::to_string(offset) + ", " + std::to_string(offset + need) +
                                ") but " + gname + "'s shards hold only " +
                                std::to_string(bytes.size()) + " bytes (truncated shard?)");
      }
      out.tensors.emplace_back(e.name,
                               Tensor::from_vector(decode(e, bytes.data() + offset), e.shape));
      offset += need;
    }
    if (offset != bytes.size()) {
      fail(manifest_path,
           gname + "'s shards hold " + std::to_string(bytes.size()) + " bytes but its tensors" +
               (entries.empty() ? "" : " (last: '" + entries.back().name + "')") + " use " +
               std::to_string(offset) + " (shard too long or an entry missing from the manifest)");
    }
  }
  return out;
}

namespace {

void check_rank(const char* op, const Tensor& t, int64_t rank) {
  check(t.defined() && t.dim() == rank, std::string(op) + ": expected a rank-" +
                                            std::to_string(rank) + " tensor, got " +
                                            (t.defined() ? shape_str(t.shape()) : "undefined"));
}

}  // namespace

Tensor tfjs_conv_filter_to_oihw(const Tensor& hwio) {
  check_rank("tfjs_conv_filter_to_oihw", hwio, 4);
  const Shape& s = hwio.shape();
  const int64_t H = s[0], W = s[1], I = s[2], O = s[3];
  const std::vector<float> src = hwio.to_vector();
  std::vector<float> dst(src.size());
  for (int64_t h = 0; h < H; ++h)
    for (int64_t w = 0; w < W; ++w)
      for (int64_t i = 0; i < I; ++i)
        for (int64_t o = 0; o < O; ++o)
          dst[((o * I + i) * H + h) * W + w] = src[((h * W + w) * I + i) * O + o];
  return Tensor::from_vector(dst, {O, I, H, W});
}

Tensor tfjs_depthwise_filter_to_c1hw(const Tensor& hwcm) {
  check_rank("tfjs_depthwise_filter_to_c1hw", hwcm, 4);
  const Shape& s = hwcm.shape();
  const int64_t H = s[0], W = s[1], C = s[2], M = s[3];
  const std::vector<float> src = hwcm.to_vector();
  std::vector<float> dst(src.size());
  for (int64_t h = 0; h < H; ++h)
    for (int64_t w = 0; w < W; ++w)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t m = 0; m < M; ++m)
          dst[((c * M + m) * H + h) * W + w] = src[((h * W + w) * C + c) * M + m];
  return Tensor::from_vector(dst, {C * M, 1, H, W});
}

Tensor tfjs_dense_to_out_in(const Tensor& in_out) {
  check_rank("tfjs_dense_to_out_in", in_out, 2);
  const int64_t I = in_out.size(0), O = in_out.size(1);
  const std::vector<float> src = in_out.to_vector();
  std::vector<float> dst(src.size());
  for (int64_t i = 0; i < I; ++i)
    for (int64_t o = 0; o < O; ++o) dst[o * I + i] = src[i * O + o];
  return Tensor::from_vector(dst, {O, I});
}

}  // namespace cnn::serialize
