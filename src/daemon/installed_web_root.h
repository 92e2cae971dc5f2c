// installed_web_root.h — where calmond finds the dashboard's files when no --web-root is given.
//
// calmond looks next to itself, the same way in a build tree and in an installed prefix:
// its executable is <tree>/bin/calmond and the page is <tree>/share/calmon/dashboard.
// `cmake --install` copies src/dashboard there; the build links build/share/calmon/dashboard
// to src/dashboard, so build/bin/calmond serves the page being edited. The executable is
// found through /proc/self/exe, so a symlink to calmond or a relative argv[0] changes nothing.
#pragma once

#include <filesystem>

namespace calmon::daemon {

// The dashboard folder under this executable's tree (`<exe dir>/../share/calmon/dashboard`),
// whether or not it exists; relative to the working directory if the executable cannot be found.
std::filesystem::path installed_web_root();

}  // namespace calmon::daemon
