// interval_stats.h — frame rate and receive-to-publish latency over one status interval.
//
// Every processed frame adds its latency; at each status tick the interval is completed
// into a summary (frames per second, median and maximum latency) and a new one begins.
// Status reports the last completed interval, so a status requested between ticks says
// the same as the one last published. The median is the sample of rank n/2 (the upper
// middle for an even count), found with nth_element: O(n) per interval. The sample
// buffer keeps its capacity, so a steady frame rate allocates nothing after the first
// interval.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace calmon::daemon {

struct IntervalSummary {
  double frame_rate_hz = 0.0;
  double latency_p50_us = 0.0;
  double latency_max_us = 0.0;
  std::uint64_t frames = 0;
};

class IntervalStats {
 public:
  using Clock = std::chrono::steady_clock;

  explicit IntervalStats(Clock::time_point start);

  // One frame processed, `latency_ns` from its receipt to its update's publication.
  void add_frame(std::int64_t latency_ns) { latencies_ns_.push_back(latency_ns); }
  // Ends the interval at `now`, starts the next; returns the ended interval's summary.
  const IntervalSummary& complete(Clock::time_point now);
  // The last completed interval (all zero before the first).
  const IntervalSummary& last() const { return last_; }

 private:
  Clock::time_point start_;
  std::vector<std::int64_t> latencies_ns_;
  IntervalSummary last_;
};

}  // namespace calmon::daemon
