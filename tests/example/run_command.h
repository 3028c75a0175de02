// Runs the example programs (mask-classifier, mask-detector) from tests: the command line, its exit code and its combined
// stdout + stderr.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace test_support {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// A program running in the background, for tests that signal it mid-run (Ctrl-C).
// The shell `exec`s the binary, so `pid` is the program itself and signals reach it directly.
class RunningProgram {
 public:
  // args: already shell-quoted where needed; env: optional "NAME=value ..." assignments.
  RunningProgram(const std::string& binary, const std::string& args, const std::string& env = "") {
    // Built before fork: the child may only make async-signal-safe calls until exec.
    const std::string cmd = env + " exec '" + binary + "' " + args;
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  RunningProgram(const RunningProgram&) = delete;
  RunningProgram& operator=(const RunningProgram&) = delete;
  ~RunningProgram() {
    if (pid_ > 0 && !finished_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }

  bool started() const { return pid_ > 0 && out_ != nullptr; }

  // Reads output until a line contains `text` (true) or the program closes its output (false).
  bool wait_for(const std::string& text) {
    std::array<char, 4096> line;
    while (out_ && fgets(line.data(), static_cast<int>(line.size()), out_)) {
      output_ += line.data();
      if (std::string(line.data()).find(text) != std::string::npos) return true;
    }
    return false;
  }

  void send(int signal_number) { kill(pid_, signal_number); }

  // Reads the rest of the output and reaps the process.
  CommandResult finish() {
    if (!started()) return {};  // exit_code -1: the process could not be started
    std::array<char, 4096> buf;
    size_t n;
    while (out_ && (n = fread(buf.data(), 1, buf.size(), out_)) > 0) output_.append(buf.data(), n);
    int status = 0;
    waitpid(pid_, &status, 0);
    finished_ = true;
    CommandResult r;
    r.output = output_;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  const std::string& output_so_far() const { return output_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string output_;
  bool finished_ = false;
};

#ifdef MASK_CLASSIFIER_BINARY
class RunningMaskClassifier : public RunningProgram {
 public:
  explicit RunningMaskClassifier(const std::string& args, const std::string& env = "")
      : RunningProgram(MASK_CLASSIFIER_BINARY, args, env) {}
};

// Runs mask-classifier to completion: its exit code and its combined stdout + stderr.
inline CommandResult run_mask_classifier(const std::string& args, const std::string& env = "") {
  return RunningMaskClassifier(args, env).finish();
}
#endif

#ifdef MASK_DETECTOR_BINARY
// Runs mask-detector to completion: its exit code and its combined stdout + stderr.
inline CommandResult run_mask_detector(const std::string& args, const std::string& env = "") {
  return RunningProgram(MASK_DETECTOR_BINARY, args, env).finish();
}
#endif

}  // namespace test_support
