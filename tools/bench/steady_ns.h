// steady_ns.h — now on the steady clock, in ns: the one clock of calmon-bench --follow-lag,
// whose writer and receiver are threads of one process.
#pragma once

#include <chrono>
#include <cstdint>

namespace calmon::bench {

inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace calmon::bench
