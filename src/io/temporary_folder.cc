// temporary_folder.cc — mkdtemp() and remove_all(); see the header.
#include "io/temporary_folder.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/error.h"

namespace calmon::io {

TemporaryFolder::TemporaryFolder(std::string_view prefix) {
  std::error_code error;
  std::filesystem::path base = std::filesystem::temp_directory_path(error);
  if (error) base = "/tmp";
  std::string pattern = (base / (std::string(prefix) + "XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (mkdtemp(name.data()) == nullptr) {
    throw Error("cannot make a temporary folder in " + base.string() + ": " + std::strerror(errno));
  }
  path_ = name.data();
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;  // nothing to do about a folder that cannot be removed
  std::filesystem::remove_all(path_, ignored);
}

std::string TemporaryFolder::file(std::string_view name) const {
  return (std::filesystem::path(path_) / name).string();
}

}  // namespace calmon::io
