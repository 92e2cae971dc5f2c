// static_files.cc — mapping request targets to files safely; see the header.
#include "daemon/static_files.h"

#include <algorithm>
#include <system_error>

namespace calmon::daemon {

namespace {

bool safe_segment(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == "..") return false;
  for (const char c : segment) {
    if (c == '\\' || c == '\0' || c == '%' || c == ':') return false;
  }
  return true;
}

}  // namespace

std::optional<std::filesystem::path> resolve_static_file(const std::filesystem::path& root, std::string_view target) {
  const std::size_t query = target.find_first_of("?#");
  if (query != std::string_view::npos) target = target.substr(0, query);
  if (target.empty() || target.front() != '/') return std::nullopt;
  if (target == "/") target = "/index.html";
  std::filesystem::path relative;
  std::string_view rest = target.substr(1);
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (!safe_segment(segment)) return std::nullopt;
    relative /= std::string(segment);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  std::error_code error;
  const std::filesystem::path canonical_root = std::filesystem::canonical(root, error);
  if (error) return std::nullopt;
  const std::filesystem::path file = std::filesystem::canonical(canonical_root / relative, error);
  if (error || !std::filesystem::is_regular_file(file, error)) return std::nullopt;
  // Still under the root once symlinks are resolved?
  const auto [root_end, file_it] =
      std::mismatch(canonical_root.begin(), canonical_root.end(), file.begin(), file.end());
  if (root_end != canonical_root.end()) return std::nullopt;
  return file;
}

std::string_view content_type_of(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json") return "application/json";
  if (extension == ".png") return "image/png";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace calmon::daemon
