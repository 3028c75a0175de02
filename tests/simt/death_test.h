// Runs a piece of code in a forked child and reports how it ended, so tests can assert that the
// SIMT harness aborts (SIGABRT) on a kernel bug and that its message names the block.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

namespace cnn::simt::test {

struct ChildOutcome {
  bool aborted = false;         // killed by SIGABRT
  bool exited_cleanly = false;  // returned normally, exit code 0
  int signal = 0;               // the signal that killed it, if any
  std::string stderr_text;
};

// Runs body() in a child process whose stderr is captured. The child never returns into Catch2.
template <typename Body>
ChildOutcome run_in_child(Body body) {
  ChildOutcome outcome;
  int fds[2];
  if (pipe(fds) != 0) return outcome;
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // Catch2's fatal-signal handler would print a test report from the child; die plainly.
    std::signal(SIGABRT, SIG_DFL);
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    body();
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) {
    outcome.stderr_text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  outcome.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  outcome.exited_cleanly = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return outcome;
}

}  // namespace cnn::simt::test
