// The example programs' exit-code contract and the command-line plumbing that enforces it:
//   0 success, 2 bad input (bad flag or value, unknown subcommand, unreadable dataset, malformed
//   model or checkpoint file, a CUDA request without a device), 1 anything else (a diverged or
//   interrupted run, an I/O failure).
// main() parses with parse_command_line() and runs the chosen subcommand through
// run_reporting_errors(); subcommands throw InputError or cnn::data::DataError for bad input.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

namespace example_common {

enum ExitCode : int { kExitSuccess = 0, kExitFailure = 1, kExitBadInput = 2 };

// Bad input that is not a dataset problem (malformed model file, bad option value): exit code 2.
// A multi-line message is printed as one "error:" line per line.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "error: " before every line of `message`, on stderr.
void print_error(const std::string& message);

// Parses the command line of an app whose top level only holds subcommands (and --help). Returns
// the exit code when the program must stop here (0 after --help, 2 for a bad command line) and
// nullopt when the chosen subcommand should run. A missing or unknown subcommand gets a message
// that names the word given and lists the subcommands.
std::optional<int> parse_command_line(CLI::App& app, const std::string& program, int argc,
                                      char** argv);

// Runs `command` and maps what it throws to the exit-code contract, printing the message.
int run_reporting_errors(const std::function<int()>& command);

}  // namespace example_common
