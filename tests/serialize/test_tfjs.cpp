// load_tfjs_weights: every storage type against values computed here from the format's
// definition, multi-shard groups, every rejection case, the layout helpers, and (when the model
// cache holds it) face-api's tiny_face_detector_model.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "cnn/models/model_cache.h"
#include "cnn/serialize/tfjs.h"
#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;
using cnn::serialize::load_tfjs_weights;
using cnn::testing::TempDir;
using json = nlohmann::json;

namespace {

template <class T>
std::string bytes_of(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A manifest with one group whose weights are `entries`, its data split into shards of
// `shard_bytes` (the last one shorter), all written into `dir`.
std::string write_group(const TempDir& dir, const json& entries, const std::string& data,
                        size_t shard_bytes, const std::string& stem = "w") {
  json paths = json::array();
  for (size_t begin = 0, i = 0; begin < data.size() || i == 0; begin += shard_bytes, ++i) {
    const std::string name = stem + ".shard" + std::to_string(i) + ".bin";
    write_all(dir.file(name), data.substr(begin, shard_bytes));
    paths.push_back(name);
  }
  const std::string manifest = dir.file(stem + "-weights_manifest.json");
  write_all(manifest, json::array({{{"paths", paths}, {"weights", entries}}}).dump());
  return manifest;
}

std::vector<float> values_of(const serialize::TfjsWeights& w, const std::string& name) {
  for (const auto& [n, t] : w.tensors)
    if (n == name) return t.to_vector();
  FAIL("no tensor " << name);
  return {};
}

}  // namespace

TEST_CASE("tfjs: float32 and int32 entries across a multi-shard group", "[tfjs]") {
  TempDir dir("tfjs-f32");
  const std::vector<float> a = {1.5f, -2.25f, 3.f, 1e-30f, -0.f, 7.f};  // shape [2,3]
  const std::vector<int32_t> b = {-7, 0, 123456789};                    // shape [3]
  const std::vector<float> c = {42.f};                                  // shape [] (scalar)
  const json entries =
      json::array({{{"name", "a"}, {"shape", {2, 3}}, {"dtype", "float32"}},
                   {{"name", "b"}, {"shape", {3}}, {"dtype", "int32"}},
                   {{"name", "c"}, {"shape", json::array()}, {"dtype", "float32"}}});
  // 7-byte shards: tensor boundaries and float boundaries both fall inside shards.
  const std::string manifest =
      write_group(dir, entries, bytes_of(a) + bytes_of(b) + bytes_of(c), 7);
  const serialize::TfjsWeights w = load_tfjs_weights(manifest);
  REQUIRE(w.tensors.size() == 3);
  CHECK(w.tensors[0].first == "a");
  CHECK(w.tensors[0].second.shape() == Shape{2, 3});
  CHECK(w.tensors[2].second.shape() == Shape{});
  CHECK(values_of(w, "a") == a);
  CHECK(values_of(w, "b") == std::vector<float>{-7.f, 0.f, 123456792.f});  // float(123456789)
  CHECK(values_of(w, "c") == c);
  CHECK(w.get("b", {3}).numel() == 3);
}

TEST_CASE("tfjs: uint8 and uint16 quantization dequantise as float(q * scale + min)", "[tfjs]") {
  TempDir dir("tfjs-quant");
  const std::vector<uint8_t> q8 = {0, 1, 128, 255};
  const std::vector<uint16_t> q16 = {0, 1, 40000, 65535};
  const double s8 = 0.009007044399485869, m8 = -1.2069439495311063;  // face-api's conv0/filters
  const double s16 = 1.0 / 3, m16 = 2.5;
  const json entries =
      json::array({{{"name", "q8"},
                    {"shape", {4}},
                    {"dtype", "float32"},
                    {"quantization", {{"dtype", "uint8"}, {"scale", s8}, {"min", m8}}}},
                   {{"name", "q16"},
                    {"shape", {2, 2}},
                    {"dtype", "float32"},
                    {"quantization", {{"dtype", "uint16"}, {"scale", s16}, {"min", m16}}}},
                   {{"name", "i8"},
                    {"shape", {2}},
                    {"dtype", "int32"},
                    {"quantization", {{"dtype", "uint8"}, {"scale", 0.5}, {"min", -1}}}}});
  const std::vector<uint8_t> qi = {3, 4};  // 0.5, 1.0 -> Math.round: 1, 1
  const std::string manifest =
      write_group(dir, entries, bytes_of(q8) + bytes_of(q16) + bytes_of(qi), 5);
  const serialize::TfjsWeights w = load_tfjs_weights(manifest);
  // Hand-computed: q=255: 255 * 0.009007044399485869 - 1.2069439495311063 = 1.0898523723377903.
  const std::vector<float> v8 = values_of(w, "q8");
  CHECK(v8[0] == static_cast<float>(m8));
  CHECK(v8[3] == static_cast<float>(1.0898523723377903));
  for (size_t i = 0; i < q8.size(); ++i) CHECK(v8[i] == static_cast<float>(q8[i] * s8 + m8));
  const std::vector<float> v16 = values_of(w, "q16");
  CHECK(v16[0] == 2.5f);
  CHECK(v16[1] == static_cast<float>(2.5 + 1.0 / 3));
  CHECK(v16[3] == 21847.5f);  // 65535 / 3 + 2.5
  CHECK(values_of(w, "i8") == std::vector<float>{1.f, 1.f});
}

TEST_CASE("tfjs: float16 quantization converts exactly", "[tfjs]") {
  TempDir dir("tfjs-f16");
  // IEEE binary16 bit patterns and their exact values.
  const std::vector<uint16_t> half = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400,
                                      0x3555, 0x8000, 0x7C00, 0xFC00, 0x7E00};
  const std::vector<float> expect = {1.f,
                                     -2.f,
                                     65504.f,
                                     std::ldexp(1.f, -24),     // smallest subnormal
                                     std::ldexp(1023.f, -24),  // largest subnormal
                                     std::ldexp(1.f, -14),     // smallest normal
                                     std::ldexp(1365.f, -12),  // 0x3555 = 0.333251953125
                                     -0.f,
                                     std::numeric_limits<float>::infinity(),
                                     -std::numeric_limits<float>::infinity()};
  const json entries = json::array({{{"name", "h"},
                                     {"shape", {11}},
                                     {"dtype", "float32"},
                                     {"quantization", {{"dtype", "float16"}}}}});
  const serialize::TfjsWeights w = load_tfjs_weights(write_group(dir, entries, bytes_of(half), 8));
  const std::vector<float> v = values_of(w, "h");
  for (size_t i = 0; i < expect.size(); ++i) {
    INFO("half 0x" << std::hex << half[i]);
    CHECK(v[i] == expect[i]);
  }
  CHECK(std::signbit(v[7]));
  CHECK(std::isnan(v[10]));
}

TEST_CASE("tfjs: several groups, each with its own shards", "[tfjs]") {
  TempDir dir("tfjs-groups");
  write_all(dir.file("g0.bin"), bytes_of(std::vector<float>{1, 2}));
  write_all(dir.file("g1a.bin"), bytes_of(std::vector<float>{3}));
  write_all(dir.file("g1b.bin"), bytes_of(std::vector<float>{4, 5}));
  const json manifest =
      json::array({{{"paths", {"g0.bin"}},
                    {"weights", {{{"name", "x"}, {"shape", {2}}, {"dtype", "float32"}}}}},
                   {{"paths", {"g1a.bin", "g1b.bin"}},
                    {"weights",
                     {{{"name", "y"}, {"shape", {1}}, {"dtype", "float32"}},
                      {{"name", "z"}, {"shape", {2, 1}}, {"dtype", "float32"}}}}}});
  write_all(dir.file("m.json"), manifest.dump());
  const serialize::TfjsWeights w = load_tfjs_weights(dir.file("m.json"));
  CHECK(values_of(w, "x") == std::vector<float>{1, 2});
  CHECK(values_of(w, "y") == std::vector<float>{3});
  CHECK(values_of(w, "z") == std::vector<float>{4, 5});
}

TEST_CASE("tfjs: bad manifests are errors naming the file and the tensor", "[tfjs]") {
  TempDir dir("tfjs-bad");
  const std::string four_floats = bytes_of(std::vector<float>{1, 2, 3, 4});
  auto entry = [](const std::string& name, json shape, const std::string& dtype = "float32") {
    return json{{"name", name}, {"shape", shape}, {"dtype", dtype}};
  };
  auto load_group = [&](const json& entries, const std::string& data) {
    return load_tfjs_weights(write_group(dir, entries, data, 1000, "bad"));
  };
  const std::string path = dir.file("bad-weights_manifest.json");

  SECTION("missing shard") {
    write_all(dir.file("m.json"),
              json::array({{{"paths", {"absent.bin"}}, {"weights", {entry("t", {1})}}}}).dump());
    REQUIRE_THROWS_WITH(load_tfjs_weights(dir.file("m.json")), Contains(dir.file("m.json")) &&
                                                                   Contains("cannot open shard") &&
                                                                   Contains("absent.bin"));
  }
  SECTION("missing manifest") {
    REQUIRE_THROWS_WITH(load_tfjs_weights(dir.file("nope.json")),
                        Contains(dir.file("nope.json")) && Contains("cannot open"));
  }
  SECTION("shards shorter than the entries need") {
    REQUIRE_THROWS_WITH(load_group(json::array({entry("a", {2}), entry("b", {3})}), four_floats),
                        Contains(path) && Contains("tensor 'b'") && Contains("[3]") &&
                            Contains("hold only 16 bytes"));
  }
  SECTION("shards longer than the entries need") {
    REQUIRE_THROWS_WITH(
        load_group(json::array({entry("a", {3})}), four_floats),
        Contains(path) && Contains("hold 16 bytes") && Contains("use 12") && Contains("'a'"));
  }
  SECTION("unknown dtype") {
    REQUIRE_THROWS_WITH(load_group(json::array({entry("flags", {4}, "bool")}), four_floats),
                        Contains(path) && Contains("tensor 'flags'") && Contains("'bool'"));
    REQUIRE_THROWS_WITH(load_group(json::array({entry("d", {2}, "float64")}), four_floats),
                        Contains("tensor 'd'") && Contains("'float64'"));
  }
  SECTION("unknown quantization dtype, missing scale/min, float16 on int32") {
    json e = entry("q", {16});
    e["quantization"] = {{"dtype", "int8"}, {"scale", 1}, {"min", 0}};
    REQUIRE_THROWS_WITH(load_group(json::array({e}), four_floats),
                        Contains(path) && Contains("tensor 'q'") && Contains("'int8'"));
    e["quantization"] = {{"dtype", "uint8"}, {"scale", 1}};
    REQUIRE_THROWS_WITH(load_group(json::array({e}), four_floats),
                        Contains("tensor 'q'") && Contains("\"min\""));
    json i = entry("qi", {8}, "int32");
    i["quantization"] = {{"dtype", "float16"}};
    REQUIRE_THROWS_WITH(load_group(json::array({i}), four_floats),
                        Contains("tensor 'qi'") && Contains("float16"));
  }
  SECTION("negative, fractional and overflowing shapes") {
    REQUIRE_THROWS_WITH(load_group(json::array({entry("n", {2, -2})}), four_floats),
                        Contains(path) && Contains("tensor 'n'") && Contains("negative"));
    REQUIRE_THROWS_WITH(load_group(json::array({entry("f", {2.5})}), four_floats),
                        Contains("tensor 'f'") && Contains("non-integer"));
    REQUIRE_THROWS_WITH(
        load_group(json::array({entry("o", {int64_t(1) << 40, int64_t(1) << 40})}), four_floats),
        Contains("tensor 'o'") && Contains("overflows"));
  }
  SECTION("malformed JSON and malformed structure") {
    write_all(dir.file("m.json"), "[{\"paths\": [\"a.bin\"], ");
    REQUIRE_THROWS_WITH(load_tfjs_weights(dir.file("m.json")),
                        Contains(dir.file("m.json")) && Contains("not valid JSON"));
    write_all(dir.file("m.json"), "{\"paths\": []}");
    REQUIRE_THROWS_WITH(load_tfjs_weights(dir.file("m.json")), Contains("JSON array"));
    write_all(dir.file("m.json"), "[{\"paths\": []}]");
    REQUIRE_THROWS_WITH(load_tfjs_weights(dir.file("m.json")), Contains("\"weights\""));
    REQUIRE_THROWS_WITH(
        load_group(json::array({{{"shape", {1}}, {"dtype", "float32"}}}), four_floats),
        Contains("\"name\""));
  }
  SECTION("duplicate names") {
    REQUIRE_THROWS_WITH(load_group(json::array({entry("a", {2}), entry("a", {2})}), four_floats),
                        Contains("tensor 'a' appears twice"));
  }
  SECTION("get: absent name and shape mismatch") {
    const serialize::TfjsWeights w = load_group(json::array({entry("a", {2, 2})}), four_floats);
    REQUIRE_THROWS_WITH(w.get("a", {4}), Contains(path) && Contains("tensor 'a'") &&
                                             Contains("[2,2]") && Contains("expected [4]"));
    REQUIRE_THROWS_WITH(w.get("b", {4}), Contains(path) && Contains("no tensor named 'b'"));
  }
}

TEST_CASE("tfjs: layout conversions", "[tfjs]") {
  auto iota = [](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
    return v;
  };
  SECTION("HWIO conv filter -> OIHW") {
    const int64_t H = 2, W = 3, I = 4, O = 5;
    const Tensor hwio = Tensor::from_vector(iota(H * W * I * O), {H, W, I, O});
    const Tensor oihw = serialize::tfjs_conv_filter_to_oihw(hwio);
    REQUIRE(oihw.shape() == Shape{O, I, H, W});
    const std::vector<float> s = hwio.to_vector(), d = oihw.to_vector();
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < I; ++i)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t w = 0; w < W; ++w)
            REQUIRE(d[((o * I + i) * H + h) * W + w] == s[((h * W + w) * I + i) * O + o]);
  }
  SECTION("depthwise [H,W,C,M] -> [C*M,1,H,W]") {
    const int64_t H = 3, W = 3, C = 4, M = 2;
    const Tensor hwcm = Tensor::from_vector(iota(H * W * C * M), {H, W, C, M});
    const Tensor out = serialize::tfjs_depthwise_filter_to_c1hw(hwcm);
    REQUIRE(out.shape() == Shape{C * M, 1, H, W});
    const std::vector<float> s = hwcm.to_vector(), d = out.to_vector();
    for (int64_t c = 0; c < C; ++c)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t w = 0; w < W; ++w)
            REQUIRE(d[((c * M + m) * H + h) * W + w] == s[((h * W + w) * C + c) * M + m]);
  }
  SECTION("dense [in,out] -> [out,in]") {
    const Tensor io = Tensor::from_vector(iota(6), {2, 3});
    const Tensor oi = serialize::tfjs_dense_to_out_in(io);
    REQUIRE(oi.shape() == Shape{3, 2});
    CHECK(oi.to_vector() == std::vector<float>{0, 3, 1, 4, 2, 5});
  }
  SECTION("wrong rank") {
    REQUIRE_THROWS_WITH(
        serialize::tfjs_conv_filter_to_oihw(Tensor::zeros({3, 3, 3})),
        Contains("tfjs_conv_filter_to_oihw") && Contains("rank-4") && Contains("[3,3,3]"));
    REQUIRE_THROWS_WITH(serialize::tfjs_dense_to_out_in(Tensor::zeros({3})), Contains("rank-2"));
  }
}

TEST_CASE("tfjs: face-api's tiny_face_detector_model", "[tfjs]") {
  const std::string model_dir = models::face_api_model_dir();
  const std::string missing = models::face_api_models_missing(model_dir);
  if (!missing.empty()) {
    std::printf("tfjs: skipping the tiny_face_detector_model check: %s\n", missing.c_str());
    return;
  }
  const serialize::TfjsWeights w =
      load_tfjs_weights(model_dir + "/tiny_face_detector_model-weights_manifest.json");
  std::vector<std::pair<std::string, Shape>> expected = {{"conv0/filters", {3, 3, 3, 16}},
                                                         {"conv0/bias", {16}}};
  const int64_t channels[] = {16, 32, 64, 128, 256, 512};
  for (int i = 1; i <= 5; ++i) {
    const std::string p = "conv" + std::to_string(i);
    const int64_t c = channels[i - 1], k = channels[i];
    expected.push_back({p + "/depthwise_filter", {3, 3, c, 1}});
    expected.push_back({p + "/pointwise_filter", {1, 1, c, k}});
    expected.push_back({p + "/bias", {k}});
  }
  expected.push_back({"conv8/filters", {1, 1, 512, 25}});
  expected.push_back({"conv8/bias", {25}});
  REQUIRE(w.tensors.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(w.tensors[i].first == expected[i].first);
    CHECK(w.tensors[i].second.shape() == expected[i].second);
  }
  // Every value of a uint8-quantized tensor is float(q * scale + min) for some q in [0, 255].
  std::ifstream in(model_dir + "/tiny_face_detector_model-weights_manifest.json");
  const json manifest = json::parse(in);
  const json& q = manifest[0]["weights"][0]["quantization"];
  const double scale = q["scale"].get<double>(), min = q["min"].get<double>();
  for (float v : w.tensors[0].second.to_vector()) {
    const double level = std::round((v - min) / scale);
    REQUIRE(level >= 0);
    REQUIRE(level <= 255);
    REQUIRE(v == static_cast<float>(level * scale + min));
  }
}
