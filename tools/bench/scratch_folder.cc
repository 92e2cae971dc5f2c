// scratch_folder.cc — statfs to tell a tmpfs, mkdtemp to make the folder.
#include "scratch_folder.h"

#include <linux/magic.h>
#include <stdlib.h>
#include <sys/vfs.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

namespace calmon::bench {
namespace {

bool is_tmpfs(const std::string& path) {
  struct statfs info {};
  return statfs(path.c_str(), &info) == 0 && info.f_type == TMPFS_MAGIC;
}

}  // namespace

ScratchFolder::ScratchFolder(const std::string& prefix) {
  std::string parent = "/dev/shm";
  if (!is_tmpfs(parent)) parent = std::filesystem::temp_directory_path().string();
  std::string pattern = (std::filesystem::path(parent) / (prefix + "-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (mkdtemp(name.data()) == nullptr) throw std::runtime_error("cannot make a folder in " + parent);
  path_ = name.data();
  on_tmpfs_ = is_tmpfs(path_);
}

ScratchFolder::~ScratchFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace calmon::bench
