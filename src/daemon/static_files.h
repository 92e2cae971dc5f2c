// static_files.h — which file under the web root an HTTP target names, and its type.
//
// The dashboard's page is served from a folder on disk (the web root). A request
// target is untrusted: only plain absolute paths of ordinary segments are mapped
// ("/" is index.html; a query string is ignored); "..", ".", backslashes, NULs, percent
// escapes and anything that resolves (through symlinks too) outside the root are
// refused, so no request can read a file the root does not hold.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace calmon::daemon {

// The regular file under `root` that `target` names, or nothing.
std::optional<std::filesystem::path> resolve_static_file(const std::filesystem::path& root, std::string_view target);

// The Content-Type for a file name ("application/octet-stream" if unknown).
std::string_view content_type_of(const std::filesystem::path& file);

}  // namespace calmon::daemon
