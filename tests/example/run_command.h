// Runs the mask-classifier binary from tests: the command line, its exit code and its combined
// stdout + stderr.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace test_support {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs `args` (already shell-quoted where needed) after the binary path given at build time.
// env: optional "NAME=value ..." assignments for the command.
inline CommandResult run_mask_classifier(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " '" + MASK_CLASSIFIER_BINARY + "' " + args + " 2>&1";
  CommandResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace test_support
