// Private (not installed): crash-safe file replacement used by every libcnn save.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

namespace cnn::serialize::detail {

// Writes `size` bytes produced by `write` to a temp file in path's directory, fflush + fsync,
// then rename()s it over `path` and fsyncs the directory. rename is atomic on POSIX: readers see
// the old file or the new one, never a torn one. The file gets mode 0666 & ~umask (umask read
// at the first save), like any other file the program creates, not mkstemp's 0600. On failure
// the temp file is removed, `path` is untouched and a cnn::Error names the path and the failing
// step.
// `write(FILE*)` must write the whole content; it may throw.
void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write);

// Test hook run right before rename (see safetensors.h testing::set_before_rename_hook).
void set_before_rename_hook(std::function<void()> hook);

}  // namespace cnn::serialize::detail
