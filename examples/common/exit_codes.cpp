// Exit codes and command-line error reporting (see exit_codes.h).
#include "common/exit_codes.h"

#include <cstdio>
#include <exception>
#include <sstream>
#include <vector>

#include "cnn/data/dataset.h"

namespace example_common {
namespace {

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(s->get_name());
  return names;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

void print_error(const std::string& message) {
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) std::fprintf(stderr, "error: %s\n", line.c_str());
}

std::optional<int> parse_command_line(CLI::App& app, const std::string& program, int argc,
                                      char** argv) {
  const std::vector<std::string> names = subcommand_names(app);
  const std::string listing = "the subcommands are " + join(names) + " ('" + program +
                              " SUBCOMMAND --help' describes each)";
  // The first word that is not a flag must be a subcommand: the top level takes no values, so
  // CLI11 would otherwise report an unknown word only as a missing subcommand.
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.empty() || word[0] == '-') continue;
    bool known = false;
    for (const std::string& n : names) known = known || n == word;
    if (!known) {
      print_error("unknown subcommand '" + word + "'; " + listing);
      return kExitBadInput;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    if (app.get_subcommands().empty() && dynamic_cast<const CLI::RequiredError*>(&err)) {
      print_error("a subcommand is required; " + listing);
      return kExitBadInput;
    }
    const int code = app.exit(err);  // prints the help (code 0) or the error message
    return code == 0 ? kExitSuccess : kExitBadInput;
  }
  return std::nullopt;
}

int run_reporting_errors(const std::function<int()>& command) {
  try {
    return command();
  } catch (const cnn::data::DataError& err) {
    print_error(err.what());
    return kExitBadInput;
  } catch (const InputError& err) {
    print_error(err.what());
    return kExitBadInput;
  } catch (const std::exception& err) {
    print_error(err.what());
    return kExitFailure;
  }
}

}  // namespace example_common
