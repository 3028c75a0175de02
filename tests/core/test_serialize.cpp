// safetensors: round trip, byte layout, every rejection case, atomic saves, training checkpoints.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;
using cnn::testing::TempDir;

namespace {

std::shared_ptr<nn::Sequential> tiny_net(uint64_t seed) {
  Generator gen(seed);
  return std::make_shared<nn::Sequential>(nn::Sequential{
      std::make_shared<nn::Conv2d>(1, 2, 3, 1, 0, true, &gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(8, 2, true, &gen)});
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A safetensors file from a header string and `data_bytes` bytes of data.
std::string make_file(const std::string& header, size_t data_bytes, uint64_t claimed_len = 0) {
  const uint64_t len = claimed_len ? claimed_len : header.size();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>(len >> (8 * i));
  return out + header + std::string(data_bytes, '\0');
}

}  // namespace

TEST_CASE("safetensors round trip keeps names, shapes, values and metadata", "[serialize]") {
  TempDir dir("roundtrip");
  const nn::NamedTensors tensors{{"a", testing::random_tensor({2, 3}, 1)},
                                 {"b.weight", testing::random_tensor({4}, 2)},
                                 {"scalar", Tensor::full({}, 3.f)}};
  serialize::save_safetensors(dir.file("t.safetensors"), tensors, {{"epoch", "7"}});
  const auto loaded = serialize::load_safetensors(dir.file("t.safetensors"));
  REQUIRE(loaded.metadata.at("epoch") == "7");
  REQUIRE(loaded.tensors.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    REQUIRE(loaded.tensors[i].first == tensors[i].first);
    REQUIRE(loaded.tensors[i].second.shape() == tensors[i].second.shape());
    REQUIRE(loaded.tensors[i].second.to_vector() == tensors[i].second.to_vector());
  }
}

TEST_CASE("the byte layout is the safetensors format", "[serialize]") {
  TempDir dir("layout");
  serialize::save_safetensors(dir.file("x.safetensors"),
                              {{"w", Tensor::from_vector({1.f, -2.f}, {1, 2})}});
  const std::string bytes = read_all(dir.file("x.safetensors"));
  uint64_t len = 0;
  for (int i = 0; i < 8; ++i) len |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  REQUIRE(len % 8 == 0);
  REQUIRE(bytes.size() == 8 + len + 8);
  const std::string header = bytes.substr(8, len);
  REQUIRE_THAT(header, Contains("\"w\"") && Contains("\"F32\"") && Contains("[1,2]") &&
                           Contains("\"data_offsets\":[0,8]"));
  float values[2];
  std::memcpy(values, bytes.data() + 8 + len, 8);
  REQUIRE(values[0] == 1.f);
  REQUIRE(values[1] == -2.f);
}

TEST_CASE("model weights save and load by PyTorch names", "[serialize]") {
  TempDir dir("model");
  auto a = tiny_net(1);
  auto b = tiny_net(2);
  serialize::save_state_dict(*a, dir.file("m.safetensors"));
  serialize::load_state_dict(*b, dir.file("m.safetensors"));
  for (size_t i = 0; i < a->state_dict().size(); ++i) {
    REQUIRE(b->state_dict()[i].second.to_vector() == a->state_dict()[i].second.to_vector());
  }
  const auto loaded = serialize::load_safetensors(dir.file("m.safetensors"));
  REQUIRE(loaded.tensors[0].first == "0.weight");
  REQUIRE(loaded.tensors[3].first == "3.bias");
}

TEST_CASE("malformed files are rejected with a message naming the problem", "[serialize]") {
  TempDir dir("reject");
  const std::string path = dir.file("bad.safetensors");
  auto load_error = [&](const std::string& bytes) -> std::string {
    write_all(path, bytes);
    try {
      serialize::load_safetensors(path);
    } catch (const Error& e) {
      return e.what();
    }
    FAIL("loaded a malformed file");
    return {};
  };
  const std::string good = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  REQUIRE_NOTHROW((write_all(path, make_file(good, 8)), serialize::load_safetensors(path)));

  SECTION("missing file") {
    REQUIRE_THROWS_WITH(serialize::load_safetensors(dir.file("none")), Contains("cannot open"));
  }
  SECTION("shorter than the length field") {
    REQUIRE_THAT(load_error("abc"), Contains("too short") && Contains(path));
  }
  SECTION("truncated data") {
    REQUIRE_THAT(load_error(make_file(good, 5)), Contains("'w'") && Contains("truncated"));
  }
  SECTION("truncated header") {
    REQUIRE_THAT(load_error(make_file(good, 0).substr(0, 20)), Contains("exceeds the file size"));
  }
  SECTION("oversized header length") {
    REQUIRE_THAT(load_error(make_file(good, 8, uint64_t(1) << 40)), Contains("limit"));
  }
  SECTION("garbage") {
    REQUIRE_THAT(load_error(make_file("this is not json at all!", 8)), Contains("not valid JSON"));
    REQUIRE_THAT(load_error(std::string(64, '\xff')), Contains("limit"));
  }
  SECTION("header not an object") {
    REQUIRE_THAT(load_error(make_file("[1,2,3]", 0)), Contains("not a JSON object"));
  }
  SECTION("unsupported dtype") {
    REQUIRE_THAT(
        load_error(make_file(R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4)),
        Contains("F16"));
  }
  SECTION("offsets disagree with the shape") {
    REQUIRE_THAT(
        load_error(make_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
        Contains("needs 12 bytes"));
  }
  SECTION("negative or non-integer shape") {
    REQUIRE_THAT(
        load_error(make_file(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)),
        Contains("non-integer"));
  }
  SECTION("offsets outside the data section") {
    REQUIRE_THAT(
        load_error(make_file(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", 8)),
        Contains("outside the data section"));
  }
  SECTION("overlapping tensors") {
    const std::string h =
        R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
    REQUIRE_THAT(load_error(make_file(h, 12)), Contains("overlap"));
  }
  SECTION("missing fields") {
    REQUIRE_THAT(load_error(make_file(R"({"w":{"dtype":"F32","shape":[2]}})", 8)),
                 Contains("data_offsets"));
  }
}

TEST_CASE("loading into a model checks names and shapes and names the file", "[serialize]") {
  TempDir dir("mismatch");
  const std::string path = dir.file("m.safetensors");
  auto net = tiny_net(1);
  nn::NamedTensors state = net->state_dict();
  state[2].second = Tensor::zeros({2, 9});
  serialize::save_safetensors(path, state);
  REQUIRE_THROWS_WITH(
      serialize::load_state_dict(*net, path),
      Contains(path) && Contains("3.weight") && Contains("[2,9]") && Contains("[2,8]"));
  state.pop_back();
  state[2].second = net->state_dict()[2].second;
  serialize::save_safetensors(path, state);
  REQUIRE_THROWS_WITH(serialize::load_state_dict(*net, path), Contains("missing tensors [3.bias]"));
}

TEST_CASE("a save interrupted before rename leaves the old file intact", "[serialize]") {
  TempDir dir("atomic");
  const std::string path = dir.file("ckpt.safetensors");
  serialize::save_safetensors(path, {{"w", Tensor::full({4}, 1.f)}});
  const std::string before = read_all(path);
  serialize::testing::set_before_rename_hook([] { throw Error("simulated crash"); });
  REQUIRE_THROWS_WITH(serialize::save_safetensors(path, {{"w", Tensor::full({1000}, 2.f)}}),
                      Contains("simulated crash"));
  serialize::testing::set_before_rename_hook({});
  REQUIRE(read_all(path) == before);
  // No temp file is left behind.
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)entry;
    ++files;
  }
  REQUIRE(files == 1);
  REQUIRE(serialize::load_safetensors(path).tensors[0].second.to_vector() ==
          std::vector<float>(4, 1.f));
}

TEST_CASE("a training checkpoint resumes exactly", "[serialize]") {
  TempDir dir("resume");
  const std::string path = dir.file("train.safetensors");
  const Tensor x = testing::random_tensor({4, 1, 4, 4}, 9);
  const std::vector<int32_t> y{0, 1, 1, 0};
  auto train_step = [&](nn::Module& net, optim::Optimizer& opt) {
    opt.zero_grad();
    Tensor loss = cross_entropy(net(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };

  // Run A: 3 steps, checkpoint, 2 more steps.
  auto net_a = tiny_net(1);
  optim::Adam opt_a(net_a->parameters(), optim::AdamOptions{0.01f});
  Generator gen_a(77);
  for (int i = 0; i < 3; ++i) train_step(*net_a, opt_a);
  gen_a.uniform();
  serialize::save_checkpoint(path, *net_a, opt_a, {3}, &gen_a);
  const float rng_next = gen_a.uniform();
  train_step(*net_a, opt_a);
  const float loss_a = train_step(*net_a, opt_a);

  // Run B: fresh objects restored from the checkpoint, then the same 2 steps.
  auto net_b = tiny_net(5);
  optim::Adam opt_b(net_b->parameters(), optim::AdamOptions{0.5f});
  Generator gen_b(1);
  const serialize::TrainingState state = serialize::load_checkpoint(path, *net_b, opt_b, &gen_b);
  REQUIRE(state.epoch == 3);
  REQUIRE(opt_b.step_count() == 3);
  REQUIRE(opt_b.lr() == 0.01f);
  REQUIRE(gen_b.uniform() == rng_next);
  train_step(*net_b, opt_b);
  REQUIRE(train_step(*net_b, opt_b) == loss_a);
  for (size_t i = 0; i < net_a->state_dict().size(); ++i) {
    REQUIRE(net_b->state_dict()[i].second.to_vector() == net_a->state_dict()[i].second.to_vector());
  }

  // A plain weights file is not a training checkpoint.
  serialize::save_state_dict(*net_a, dir.file("weights.safetensors"));
  REQUIRE_THROWS_WITH(serialize::load_checkpoint(dir.file("weights.safetensors"), *net_b, opt_b),
                      Contains("format"));
}
