// installed_web_root.cc — the dashboard folder beside calmond's executable; see the header.
#include "daemon/installed_web_root.h"

#include <system_error>

namespace calmon::daemon {

std::filesystem::path installed_web_root() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path bin = error ? std::filesystem::path("bin") : executable.parent_path();
  return (bin.parent_path() / "share" / "calmon" / "dashboard").lexically_normal();
}

}  // namespace calmon::daemon
