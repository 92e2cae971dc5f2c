// pacing_schedule.h — when each frame of a paced replay is due, on an absolute schedule.
//
// Frame k (0 = the first frame sent) is due at start + k / rate. The due time is computed
// from k itself, never by adding a period to the previous due time, so rounding cannot
// accumulate into drift: frame 10^7 at 29.97 Hz is due within a nanosecond of where it
// belongs. A frame that is ready only after its due time is late: it is sent at once and
// the schedule stays put, so the frames after it are not shifted and the replay catches
// up. Times are nanoseconds of one monotonic clock; the schedule reads no clock itself.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/error.h"

namespace calmon::replay {

// What to do with frame k once it is ready to send.
struct SendSlot {
  std::int64_t due_ns = 0;
  bool late = false;         // ready after its due time: send now, no wait
  std::int64_t wait_ns = 0;  // how long to wait for the due time (0 when late)
};

class PacingSchedule {
 public:
  // `rate_hz` must be finite and positive.
  PacingSchedule(std::int64_t start_ns, double rate_hz)
      : start_ns_(start_ns), rate_hz_(rate_hz), period_ns_(1e9L / static_cast<long double>(rate_hz)) {
    if (!(std::isfinite(rate_hz) && rate_hz > 0)) {
      throw Error("the frame rate must be a positive number of frames per second");
    }
  }

  std::int64_t start_ns() const { return start_ns_; }
  double rate_hz() const { return rate_hz_; }

  std::int64_t due_ns(std::int64_t k) const {
    return start_ns_ + static_cast<std::int64_t>(std::llround(static_cast<long double>(k) * period_ns_));
  }

  SendSlot slot(std::int64_t k, std::int64_t ready_ns) const {
    const std::int64_t due = due_ns(k);
    if (ready_ns > due) return {due, true, 0};
    return {due, false, due - ready_ns};
  }

 private:
  std::int64_t start_ns_;
  double rate_hz_;
  long double period_ns_;  // 64-bit mantissa: k * period stays exact to well under 1 ns
};

}  // namespace calmon::replay
