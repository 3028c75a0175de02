// Run directories (see run_dir.h).
#include "common/run_dir.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/exit_codes.h"

namespace fs = std::filesystem;

namespace example_common {

void check_output_directory(const std::string& path, const std::string& flag) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  if (ec) throw InputError(flag + " '" + path + "': " + ec.message());
  // Walk up to the first part of the path that exists.
  while (!fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p) p = p.parent_path();
  if (!fs::is_directory(p, ec)) {
    throw InputError(flag + " '" + path + "': '" + p.string() + "' exists and is not a directory");
  }
  if (::access(p.c_str(), W_OK | X_OK) != 0) {
    throw InputError(flag + " '" + path + "': the directory '" + p.string() + "' is not writable");
  }
}

void create_output_directory(const std::string& path, const std::string& flag) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw InputError("cannot create " + flag + " directory '" + path + "': " + ec.message());
}

void write_json_file(const std::string& path, const nlohmann::json& j) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

}  // namespace example_common
