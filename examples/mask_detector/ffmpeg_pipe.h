// Video through Debian's `ffmpeg` command: a decoder that yields raw RGB frames on a pipe and an
// encoder that takes them, each a child process started with posix_spawnp (no shell, so file
// names need no quoting). Frame size and rate come from `ffprobe`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mask_detector {

// Full path of `program` on $PATH, or empty.
std::string find_on_path(const std::string& program);

struct VideoInfo {
  int width = 0, height = 0;
  double fps = 0;  // 0 when unknown
};
// Throws InputError naming the input when ffprobe cannot read a video stream from it.
VideoInfo probe_video(const std::string& input);

// A child process with one end of a pipe: its stdout (read) or its stdin (write).
class ChildPipe {
 public:
  enum class Direction { read_stdout, write_stdin };
  // Throws std::runtime_error when the program cannot be started.
  ChildPipe(const std::vector<std::string>& argv, Direction direction);
  ~ChildPipe();
  ChildPipe(const ChildPipe&) = delete;
  ChildPipe& operator=(const ChildPipe&) = delete;
  // Reads exactly `size` bytes; false at end of stream (or a short last frame).
  bool read_exact(uint8_t* data, size_t size);
  // Writes everything; false when the child has gone away.
  bool write_all(const uint8_t* data, size_t size);
  // Closes the pipe and waits; the child's exit status (-1 when killed by a signal).
  int finish();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = 0;
  bool finished_ = false;
};

}  // namespace mask_detector
