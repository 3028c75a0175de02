// ffmpeg/ffprobe child processes (see ffmpeg_pipe.h).
#include "ffmpeg_pipe.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "common/exit_codes.h"

extern char** environ;

namespace mask_detector {

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + program;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

ChildPipe::ChildPipe(const std::vector<std::string>& argv, Direction direction) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const bool reading = direction == Direction::read_stdout;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The child's stdout (reading) or stdin (writing) is its end of the pipe.
  posix_spawn_file_actions_adddup2(&actions, reading ? fds[1] : fds[0], reading ? 1 : 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Its own process group: a Ctrl-C at the terminal reaches only this program, which then closes
  // the pipes in order (the encoder finishes a valid file) instead of losing its children.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  const int rc = posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  ::close(reading ? fds[1] : fds[0]);
  fd_ = reading ? fds[0] : fds[1];
  if (rc != 0) {
    ::close(fd_);
    fd_ = -1;
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

ChildPipe::~ChildPipe() {
  finish();
}

bool ChildPipe::read_exact(uint8_t* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd_, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool ChildPipe::write_all(const uint8_t* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd_, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

int ChildPipe::finish() {
  if (finished_) return status_;
  finished_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (pid_ <= 0) return status_ = -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return status_;
}

VideoInfo probe_video(const std::string& input) {
  std::vector<std::string> argv = {"ffprobe", "-v", "error"};
  if (input.rfind("/dev/video", 0) == 0) argv.insert(argv.end(), {"-f", "v4l2"});
  argv.insert(argv.end(), {"-select_streams", "v:0", "-show_entries",
                           "stream=width,height,avg_frame_rate,r_frame_rate", "-of",
                           "default=noprint_wrappers=1", input});
  std::string text;
  int status = 0;
  {
    ChildPipe probe(argv, ChildPipe::Direction::read_stdout);
    uint8_t c = 0;
    while (probe.read_exact(&c, 1)) text.push_back(static_cast<char>(c));
    status = probe.finish();
  }
  VideoInfo info;
  auto rate = [](const std::string& v) {
    double num = 0, den = 1;
    char slash = 0;
    std::istringstream in(v);
    if (!(in >> num)) return 0.0;
    if (in >> slash >> den && slash == '/' && den > 0) return num / den;
    return slash ? 0.0 : num;
  };
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "width") info.width = std::atoi(value.c_str());
    if (key == "height") info.height = std::atoi(value.c_str());
    if (key == "avg_frame_rate" && rate(value) > 0) info.fps = rate(value);
    if (key == "r_frame_rate" && info.fps <= 0) info.fps = rate(value);
  }
  if (status != 0 || info.width <= 0 || info.height <= 0) {
    throw example_common::InputError("--in '" + input +
                                     "': ffprobe found no video stream in it (missing file, not a "
                                     "video, or an unsupported format)");
  }
  return info;
}

}  // namespace mask_detector
