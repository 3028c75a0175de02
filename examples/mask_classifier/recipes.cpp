// The named recipes (see recipes.h). The "best" values and the measurements behind them are in
// README.md "Recipes"; change them only with a new row there.
#include "recipes.h"

namespace mask_classifier {
namespace {

// One flag and how to copy its field from a recipe's options.
struct RecipeField {
  const char* flag;
  void (*copy)(const TrainOptions& from, TrainOptions& to);
};

const std::vector<RecipeField>& fields() {
  static const std::vector<RecipeField> table = {
      {"--network", [](const TrainOptions& f,
                       TrainOptions& t) { t.network.architecture = f.network.architecture; }},
      {"--image-size",
       [](const TrainOptions& f, TrainOptions& t) { t.network.image_size = f.network.image_size; }},
      {"--dropout",
       [](const TrainOptions& f, TrainOptions& t) { t.network.dropout = f.network.dropout; }},
      {"--from-pretrained",
       [](const TrainOptions& f, TrainOptions& t) { t.from_pretrained = f.from_pretrained; }},
      {"--epochs", [](const TrainOptions& f, TrainOptions& t) { t.epochs = f.epochs; }},
      {"--batch", [](const TrainOptions& f, TrainOptions& t) { t.batch = f.batch; }},
      {"--lr", [](const TrainOptions& f, TrainOptions& t) { t.lr = f.lr; }},
      {"--momentum", [](const TrainOptions& f, TrainOptions& t) { t.momentum = f.momentum; }},
      {"--optimizer", [](const TrainOptions& f, TrainOptions& t) { t.optimizer = f.optimizer; }},
      {"--schedule", [](const TrainOptions& f, TrainOptions& t) { t.schedule = f.schedule; }},
      {"--augment", [](const TrainOptions& f, TrainOptions& t) { t.augment = f.augment; }},
      {"--shift", [](const TrainOptions& f, TrainOptions& t) { t.shift = f.shift; }},
      {"--low-resolution",
       [](const TrainOptions& f, TrainOptions& t) { t.low_resolution = f.low_resolution; }},
      {"--colour", [](const TrainOptions& f, TrainOptions& t) { t.colour = f.colour; }},
      {"--flip-average",
       [](const TrainOptions& f, TrainOptions& t) { t.flip_average = f.flip_average; }},
  };
  return table;
}

}  // namespace

std::vector<std::string> recipe_names() {
  return {"seed", "best"};
}

TrainOptions recipe_options(const std::string& name) {
  TrainOptions o;  // seed: the defaults
  if (name == "seed") return o;
  if (name != "best") {
    throw InputError("--recipe must be seed or best, got '" + name + "'");
  }
  o.recipe = "best";
  o.network.architecture = kTinyFaceArchitecture;
  o.network.image_size = 128;
  o.network.dropout = 0.2f;
  o.from_pretrained = "tiny-face";
  o.epochs = 15;
  o.batch = 64;
  o.lr = 1e-3f;
  o.optimizer = "adam";
  o.schedule = "warmup-cosine";
  o.augment = true;
  o.shift = 0.08f;
  o.low_resolution = 0.5f;
  o.colour = 0.3f;
  o.flip_average = true;
  return o;
}

void apply_recipe(const std::string& name, TrainOptions& options,
                  const std::function<bool(const std::string& flag)>& given) {
  const TrainOptions recipe = recipe_options(name);
  for (const RecipeField& f : fields())
    if (!given(f.flag)) f.copy(recipe, options);
  // A recipe's tiny-face-only value does not follow the user to another network.
  if (!options.network.is_tiny_face() && !given("--dropout")) options.network.dropout = 0.f;
  options.recipe = name;
}

std::vector<std::string> recipe_flags() {
  std::vector<std::string> out;
  for (const RecipeField& f : fields()) out.push_back(f.flag);
  return out;
}

}  // namespace mask_classifier
