// The run directory of a training or evaluation run (--out): checked before any slow work, created
// when the results are written, and JSON files replaced atomically inside it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace example_common {

// Throws InputError (naming `flag`) unless `path` is a writable directory or could be created:
// the nearest existing ancestor must be a writable directory. Creates nothing, so a command that
// fails later for another reason leaves no empty folder behind.
void check_output_directory(const std::string& path, const std::string& flag = "--out");

// Creates `path` and its parents; InputError naming `flag` on failure.
void create_output_directory(const std::string& path, const std::string& flag = "--out");

// Writes j.dump(2) to path.tmp and renames it over path (readers never see half a file). Text
// that is not valid UTF-8 (a file name from a foreign file system) is written with U+FFFD instead
// of failing. Throws std::runtime_error on an I/O error.
void write_json_file(const std::string& path, const nlohmann::json& j);

}  // namespace example_common
