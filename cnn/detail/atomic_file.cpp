// Atomic file replacement: temp file + fsync + rename (see atomic_file.h).
#include "cnn/detail/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cnn/error.h"

namespace cnn::serialize::detail {
namespace {

std::function<void()>& before_rename_hook() {
  static std::function<void()> hook;
  return hook;
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string errno_text() {
  return std::strerror(errno);
}

// The mode open(path, O_CREAT, 0666) would give: mkstemp's temp file is 0600, and a saved file
// must get the same permissions as any other output (0644 under the usual umask 022).
mode_t default_file_mode() {
  // umask can only be read by setting it; read it once (function-local statics initialise
  // thread-safely), before the program starts writing files from several threads.
  static const mode_t mask = [] {
    const mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return 0666 & ~mask;
}

}  // namespace

void set_before_rename_hook(std::function<void()> hook) {
  before_rename_hook() = std::move(hook);
}

void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write) {
  // mkstemp in the target's directory: rename() is only atomic within one file system.
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) throw Error("save " + path + ": cannot create temp file: " + errno_text());
  const std::string tmp_path(name.data());
  if (::fchmod(fd, default_file_mode()) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    ::unlink(tmp_path.c_str());
    throw Error("save " + path + ": cannot set the permissions of the temp file: " + why);
  }
  std::FILE* f = fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    ::unlink(tmp_path.c_str());
    throw Error("save " + path + ": fdopen failed: " + errno_text());
  }
  try {
    write(f);
    if (std::fflush(f) != 0 || std::ferror(f)) {
      throw Error("save " + path + ": write failed: " + errno_text());
    }
    if (::fsync(fileno(f)) != 0) throw Error("save " + path + ": fsync failed: " + errno_text());
    const int closed = std::fclose(f);
    f = nullptr;
    if (closed != 0) throw Error("save " + path + ": close failed: " + errno_text());
    if (before_rename_hook()) before_rename_hook()();
    if (std::rename(tmp_path.c_str(), path.c_str()) != 0) {
      throw Error("save " + path + ": rename failed: " + errno_text());
    }
  } catch (...) {
    if (f) std::fclose(f);
    ::unlink(tmp_path.c_str());
    throw;
  }
  // Make the rename itself durable. Failure here leaves a complete file, so it is not an error.
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
}

}  // namespace cnn::serialize::detail
