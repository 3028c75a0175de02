// Ctrl-C during a long run: the first SIGINT only sets a flag that the training loop polls after
// each step (so the step finishes and a checkpoint of a consistent state can be written); the
// handler then resets itself, so a second Ctrl-C terminates the program at once.
#pragma once

namespace example_common {

// Installs the handler for its lifetime (clearing any earlier request) and restores the default
// action when destroyed, also on early returns.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // True once Ctrl-C was pressed.
  static bool requested();
};

}  // namespace example_common
