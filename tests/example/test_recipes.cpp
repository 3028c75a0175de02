// mask-classifier's named recipes (recipes.h), the tiny-face network and its model file, and
// test-time flip averaging (evaluation.h). The seed recipe must be today's defaults exactly; a
// flag the user gives must survive any recipe.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "cnn/autograd.h"
#include "cnn/ops.h"
#include "cnn/random.h"
#include "cnn/serialize/safetensors.h"
#include "evaluation.h"
#include "network.h"
#include "recipes.h"

namespace fs = std::filesystem;
using namespace mask_classifier;

namespace {

// Every field of TrainOptions, one per line, so two option sets compare field by field.
std::string dump(const TrainOptions& o) {
  std::ostringstream s;
  s << "recipe " << o.recipe << "\ndata " << o.data << "\nepochs " << o.epochs << "\nbatch "
    << o.batch << "\nlr " << o.lr << "\nmomentum " << o.momentum << "\noptimizer " << o.optimizer
    << "\nval " << o.val << "\nseed " << o.seed << "\ndevice " << o.device << "\nout " << o.out
    << "\nresume " << o.resume << "\naugment " << o.augment << "\nshift " << o.shift
    << "\nlow_resolution " << o.low_resolution << "\ncolour " << o.colour << "\nschedule "
    << o.schedule << "\nfrom_pretrained " << o.from_pretrained << "\nstrict " << o.strict
    << "\nsynthetic_count " << o.synthetic_count << "\narchitecture " << o.network.architecture
    << "\nimage_size " << o.network.image_size << "\nchannels " << o.network.conv1 << ","
    << o.network.conv2 << "," << o.network.conv3 << "\nhidden " << o.network.hidden << "\nclasses "
    << o.network.classes << "\ndropout " << o.network.dropout << "\nflip_average " << o.flip_average
    << "\nquiet " << o.quiet << "\n";
  return s.str();
}

bool none_given(const std::string&) {
  return false;
}

std::vector<float> logits_of(cnn::nn::Module& net, const cnn::Tensor& x) {
  cnn::NoGradGuard no_grad;
  net.eval();
  return net(x).to_vector();
}

}  // namespace

TEST_CASE("the seed recipe is today's defaults, field by field", "[example][recipes]") {
  CHECK(dump(recipe_options("seed")) == dump(TrainOptions{}));
  TrainOptions o;
  apply_recipe("seed", o, none_given);
  CHECK(dump(o) == dump(TrainOptions{}));
  CHECK(o.network.is_seed());
}

TEST_CASE("best sets its values, and flags the user gave keep theirs", "[example][recipes]") {
  TrainOptions o;
  apply_recipe("best", o, none_given);
  CHECK(dump(o) == dump(recipe_options("best")));
  CHECK(o.recipe == "best");
  CHECK(o.network.is_tiny_face());
  CHECK(o.augment);
  CHECK(o.optimizer == "adam");

  TrainOptions mine;
  mine.lr = 0.5f;
  mine.epochs = 2;
  mine.network.image_size = 64;
  mine.data = "photos";
  const std::set<std::string> given = {"--lr", "--epochs", "--image-size"};
  apply_recipe("best", mine, [&](const std::string& f) { return given.count(f) > 0; });
  CHECK(mine.lr == 0.5f);
  CHECK(mine.epochs == 2);
  CHECK(mine.network.image_size == 64);
  CHECK(mine.data == "photos");  // not a recipe field
  CHECK(mine.optimizer == "adam");
  CHECK(mine.network.is_tiny_face());

  // Every field the two recipes disagree on is one a flag can override: apply best with every
  // recipe flag "given" and nothing may change.
  TrainOptions all_given;
  apply_recipe("best", all_given, [](const std::string&) { return true; });
  all_given.recipe = "seed";
  CHECK(dump(all_given) == dump(TrainOptions{}));
}

TEST_CASE("best with --network seed drops the tiny-face-only dropout", "[example][recipes]") {
  TrainOptions o;
  apply_recipe("best", o, [](const std::string& f) { return f == "--network"; });
  CHECK(o.network.architecture == kSeedArchitecture);
  CHECK(o.network.dropout == 0.f);
  CHECK_NOTHROW(o.network.validate());
  NetworkSpec bad;
  bad.dropout = 0.3f;
  CHECK_THROWS_WITH(bad.validate(),
                    Catch::Contains("--dropout applies only to --network tiny-face"));
}

TEST_CASE("an unknown recipe is an input error naming it", "[example][recipes]") {
  TrainOptions o;
  CHECK_THROWS_AS(apply_recipe("fastest", o, none_given), InputError);
  CHECK_THROWS_WITH(recipe_options("fastest"), Catch::Contains("'fastest'"));
}

TEST_CASE("tiny-face network: shapes, spec checks and a model file round trip",
          "[example][tiny_face]") {
  NetworkSpec spec;
  spec.architecture = kTinyFaceArchitecture;
  spec.image_size = 48;
  spec.dropout = 0.25f;
  CHECK(spec.describe() == "TinyFace(image 48, dropout 0.25, classes 2)");
  CHECK(spec.logits_bias_name() == "fc.bias");
  CHECK_FALSE(spec.is_seed());
  cnn::Generator gen(3);
  auto net = build_network(spec, &gen);
  CHECK(net->output_shape({5, 3, 48, 48}) == cnn::Shape{5, 2});
  CHECK(net->num_parameters() == 180496 + 512 * 2 + 2);
  const cnn::Tensor x = cnn::Tensor::rand({3, 3, 48, 48}, cnn::Device::cpu(), &gen);
  const std::vector<float> before = logits_of(*net, x);

  const fs::path dir = fs::temp_directory_path() / "cnn_test_recipes";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "tiny.safetensors").string();
  save_model(path, *net, spec, {"with_mask", "without_mask"}, /*flip_average=*/true);
  const LoadedModel loaded = load_model(path);
  CHECK(loaded.spec.architecture == kTinyFaceArchitecture);
  CHECK(loaded.spec.image_size == 48);
  CHECK(loaded.spec.dropout == 0.25f);
  CHECK(loaded.flip_average);
  CHECK(resolve_flip_average("model", loaded));
  CHECK_FALSE(resolve_flip_average("off", loaded));
  CHECK(resolve_flip_average("on", LoadedModel{}));
  CHECK_THROWS_WITH(resolve_flip_average("maybe", loaded), Catch::Contains("'maybe'"));
  CHECK(logits_of(*loaded.network, x) == before);

  NetworkSpec small;
  small.architecture = kTinyFaceArchitecture;
  small.image_size = 31;
  CHECK_THROWS_AS(small.validate(), InputError);
  small.architecture = "resnet";
  CHECK_THROWS_WITH(small.validate(), Catch::Contains("'resnet'"));
}

TEST_CASE("a model file without architecture or flip_average entries is a seed network",
          "[example][tiny_face]") {
  NetworkSpec spec;  // the reduced seed family
  spec.image_size = 16;
  spec.conv1 = 4, spec.conv2 = 4, spec.conv3 = 4, spec.hidden = 8;
  cnn::Generator gen(4);
  auto net = build_network(spec, &gen);
  const fs::path dir = fs::temp_directory_path() / "cnn_test_recipes";
  fs::create_directories(dir);
  const std::string path = (dir / "old.safetensors").string();
  save_model(path, *net, spec, {"a", "b"});
  // Rewrite it as files were before: without the two new entries.
  cnn::serialize::SafetensorsContents c = cnn::serialize::load_safetensors(path);
  REQUIRE(c.metadata.erase("architecture") == 1);
  REQUIRE(c.metadata.erase("flip_average") == 1);
  cnn::serialize::save_safetensors(path, c.tensors, c.metadata);
  const LoadedModel m = load_model(path);
  CHECK(m.spec.architecture == kSeedArchitecture);
  CHECK(m.spec.conv1 == 4);
  CHECK_FALSE(m.flip_average);
}

TEST_CASE("flip averaging: mirrored inputs get the same answer", "[example][tiny_face]") {
  const cnn::Tensor x = cnn::Tensor::from_vector({1, 2, 3, 4, 5, 6}, {1, 1, 2, 3});
  CHECK(mirror_horizontally(x).to_vector() == std::vector<float>{3, 2, 1, 6, 5, 4});

  NetworkSpec spec;
  spec.architecture = kTinyFaceArchitecture;
  spec.image_size = 40;
  cnn::Generator gen(8);
  auto net = build_network(spec, &gen);
  net->eval();
  cnn::NoGradGuard no_grad;
  const cnn::Tensor img = cnn::Tensor::rand({2, 3, 40, 40}, cnn::Device::cpu(), &gen);
  const std::vector<float> plain = classify(*net, img, false).to_vector();
  const std::vector<float> mirrored = classify(*net, mirror_horizontally(img), false).to_vector();
  REQUIRE(plain != mirrored);  // the network itself is not symmetric
  const std::vector<float> a = classify(*net, img, true).to_vector();
  const std::vector<float> b = classify(*net, mirror_horizontally(img), true).to_vector();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i] == Approx(b[i]).margin(1e-6));
    CHECK(a[i] == Approx((plain[i] + mirrored[i]) / 2).margin(1e-6));
  }
}
