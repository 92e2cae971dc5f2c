// stoppable_wait.h — waiting for a frame's due time while Ctrl-C can still stop the replay.
//
// A replay sleeps until each frame is due on its absolute schedule, but a SIGINT or
// SIGTERM (net/stop_signals.h) must end it promptly: the wait sleeps at most 100 ms at a
// time before looking at the stop flag again (a signal landing between the look and the
// sleep does not interrupt the sleep), and the last sleep still targets the due time.
#pragma once

#include <cstdint>

#include "net/stop_signals.h"
#include "replay/monotonic_clock.h"

namespace calmon::replay {

inline bool stop_requested() { return net::StopSignals::received() != 0; }

// Waits for `due_ns` (spinning the last `spin_ns`); false if a stop signal came first.
inline bool wait_until_due(std::int64_t due_ns, std::int64_t spin_ns) {
  constexpr std::int64_t kStopCheckIntervalNs = 100'000'000;
  while (!stop_requested()) {
    const std::int64_t next_look_ns = monotonic_now_ns() + kStopCheckIntervalNs;
    if (next_look_ns < due_ns - spin_ns) {
      sleep_until(next_look_ns, 0);
    } else if (sleep_until(due_ns, spin_ns) == WaitResult::kReached) {
      return true;
    }
  }
  return false;
}

}  // namespace calmon::replay
