// plural.h — "1 frame", "3 frames": a count and its noun, for calmond's log lines.
#pragma once

#include <cstdint>
#include <string>

namespace calmon::daemon {

inline std::string plural(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace calmon::daemon
