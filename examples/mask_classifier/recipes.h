// Named training recipes (`mask-classifier train --recipe NAME`): a recipe is a set of defaults
// for the training flags; any flag the user gives keeps the user's value.
//   seed  today's defaults, which reproduce the original notebook (TrainOptions{} exactly)
//   best  the recipe that does best on photos from other sources (README.md "Recipes")
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "commands.h"

namespace mask_classifier {

std::vector<std::string> recipe_names();

// The options of recipe `name` with no flag given. Throws InputError for an unknown name.
TrainOptions recipe_options(const std::string& name);

// Applies recipe `name` to `options`: every recipe-controlled field whose flag was not given
// (given("--lr") is false) takes the recipe's value; options.recipe becomes `name`.
// Throws InputError for an unknown name.
void apply_recipe(const std::string& name, TrainOptions& options,
                  const std::function<bool(const std::string& flag)>& given);

// The flags a recipe sets, for --help and tests.
std::vector<std::string> recipe_flags();

}  // namespace mask_classifier
