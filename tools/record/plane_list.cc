// plane_list.cc — "0-3,8" into plane numbers; see the header.
#include "plane_list.h"

#include <charconv>
#include <set>
#include <string_view>

#include "core/error.h"

namespace calmon::record_tool {
namespace {

constexpr std::uint32_t kMaxPlane = 1'000'000;

std::uint32_t parse_plane(std::string_view text, const std::string& whole) {
  std::uint32_t plane = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), plane);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || plane > kMaxPlane) {
    throw Error("--planes expects plane numbers and ranges such as 0-29 or 0,2,5, got '" + whole + "'");
  }
  return plane;
}

}  // namespace

std::vector<std::uint32_t> parse_plane_list(const std::string& text) {
  std::vector<std::uint32_t> planes;
  std::set<std::uint32_t> seen;
  std::string_view rest(text);
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const std::size_t dash = item.find('-');
    const std::uint32_t first = parse_plane(item.substr(0, dash), text);
    const std::uint32_t last = dash == std::string_view::npos ? first : parse_plane(item.substr(dash + 1), text);
    if (last < first) throw Error("--planes: the range '" + std::string(item) + "' goes backwards");
    for (std::uint32_t plane = first; plane <= last; ++plane) {
      if (!seen.insert(plane).second) throw Error("--planes names plane " + std::to_string(plane) + " twice");
      planes.push_back(plane);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return planes;
}

std::string plane_folder_name(std::uint32_t plane) { return "plane_" + std::to_string(plane); }

}  // namespace calmon::record_tool
