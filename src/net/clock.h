// clock.h — wall-clock time in nanoseconds since the Unix epoch, for the wire's timestamps.
#pragma once

#include <chrono>
#include <cstdint>

namespace calmon::net {

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace calmon::net
