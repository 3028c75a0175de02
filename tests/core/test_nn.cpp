// nn modules: PyTorch naming and order, initialisation, summary, train/eval, state_dict loading.
#include <catch2/catch.hpp>

#include <cmath>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;

namespace {
std::shared_ptr<nn::Sequential> small_net(Generator* gen) {
  return std::make_shared<nn::Sequential>(nn::Sequential{
      std::make_shared<nn::Conv2d>(2, 4, 3, 1, 1, true, gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Dropout>(0.5f, gen), std::make_shared<nn::Linear>(64, 3, true, gen)});
}
}  // namespace

TEST_CASE("state_dict names and order follow torch.nn.Sequential", "[nn]") {
  Generator gen(1);
  auto net = small_net(&gen);
  std::vector<std::string> names;
  for (const auto& [name, t] : net->state_dict()) names.push_back(name);
  REQUIRE(names == std::vector<std::string>{"0.weight", "0.bias", "5.weight", "5.bias"});
  const nn::NamedTensors params = net->named_parameters();
  REQUIRE(params[0].second.shape() == Shape{4, 2, 3, 3});  // [out, in, kH, kW]
  REQUIRE(params[2].second.shape() == Shape{3, 64});       // [out, in]
  REQUIRE(net->num_parameters() == 4 * 2 * 9 + 4 + 3 * 64 + 3);
  for (const Tensor& p : net->parameters()) REQUIRE(p.requires_grad());
}

TEST_CASE("default init is U(+-1/sqrt(fan_in)) and deterministic per seed", "[nn]") {
  Generator a(7), b(7);
  nn::Conv2d c1(8, 16, 3, 1, 0, true, &a), c2(8, 16, 3, 1, 0, true, &b);
  REQUIRE(c1.weight().to_vector() == c2.weight().to_vector());
  REQUIRE(c1.bias().to_vector() == c2.bias().to_vector());
  const float bound = 1.f / std::sqrt(8.f * 9.f);
  float lo = 1, hi = -1;
  for (float v : c1.weight().to_vector()) lo = std::min(lo, v), hi = std::max(hi, v);
  REQUIRE(lo >= -bound);
  REQUIRE(hi <= bound);
  REQUIRE(hi - lo > 1.8f * bound);  // 1152 draws cover the range
  nn::Linear l(100, 4, true, &a);
  for (float v : l.bias().to_vector()) REQUIRE(std::abs(v) <= 0.1f);
}

TEST_CASE("summary of the seed network prints 82,016,322 parameters", "[nn]") {
  auto net = nn::mask_detection_net();
  const std::string s = net->summary({1, 3, 100, 100});
  INFO(s);
  REQUIRE_THAT(s, Contains("Total parameters: 82,016,322"));
  REQUIRE_THAT(s, Contains("[1,128,25,25]") && Contains("[1,80000]") && Contains("[1,2]"));
  REQUIRE_THAT(s, Contains("81,921,024"));  // Linear(80000, 1024)
  REQUIRE(net->num_parameters() == 82016322);
  REQUIRE(net->output_shape({2, 3, 100, 100}) == Shape{2, 2});
  REQUIRE(net->state_dict().back().first == "11.bias");
}

TEST_CASE("forward matches the functional ops; eval() disables dropout", "[nn]") {
  Generator gen(3);
  auto net = small_net(&gen);
  const Tensor x = testing::random_tensor({2, 2, 8, 8}, 4);
  net->eval();
  const Tensor y = (*net)(x);
  const auto& conv = static_cast<const nn::Conv2d&>((*net)[0]);
  const auto& fc = static_cast<const nn::Linear&>((*net)[5]);
  const Tensor expected =
      linear(flatten(max_pool2d(relu(conv2d(x, conv.weight(), conv.bias(), 1, 1)), 2)), fc.weight(),
             fc.bias());
  REQUIRE(y.to_vector() == expected.to_vector());
  net->train();
  REQUIRE(net->is_training());
  REQUIRE((*net)(x).to_vector() != y.to_vector());  // dropout active
}

TEST_CASE("load_state_dict checks names and shapes before copying", "[nn]") {
  Generator g1(1), g2(2);
  auto a = small_net(&g1);
  auto b = small_net(&g2);
  b->load_state_dict(a->state_dict());
  REQUIRE(b->state_dict()[0].second.to_vector() == a->state_dict()[0].second.to_vector());

  nn::NamedTensors wrong = a->state_dict();
  wrong[2].second = Tensor::zeros({3, 65});
  auto c = small_net(&g2);
  const std::vector<float> before = c->state_dict()[0].second.to_vector();
  REQUIRE_THROWS_WITH(c->load_state_dict(wrong),
                      Contains("5.weight") && Contains("[3,65]") && Contains("[3,64]"));
  REQUIRE(c->state_dict()[0].second.to_vector() == before);  // untouched

  nn::NamedTensors missing = a->state_dict();
  missing.pop_back();
  REQUIRE_THROWS_WITH(c->load_state_dict(missing), Contains("missing tensors [5.bias]"));
  missing.emplace_back("extra", Tensor::zeros({1}));
  REQUIRE_THROWS_WITH(c->load_state_dict(missing), Contains("unexpected tensors [extra]"));
}

TEST_CASE("zero_grad clears every parameter gradient", "[nn]") {
  Generator gen(5);
  auto net = small_net(&gen);
  net->eval();
  cross_entropy((*net)(testing::random_tensor({2, 2, 8, 8}, 6)), {0, 1}).backward();
  for (const Tensor& p : net->parameters()) REQUIRE(p.grad().defined());
  net->zero_grad();
  for (const Tensor& p : net->parameters()) REQUIRE_FALSE(p.grad().defined());
}
