// interval_stats.h — frame rate, receive-to-publish latency and acquisition-to-publish
// lag over one status interval.
//
// Every processed frame adds its latency — from calmond's receipt (its entry into the
// ingest queue) to its update's publication — and, when the frame carries an
// acquisition time, its lag: from acquisition to publication, which also holds the time
// the frame spent in the sender and in ZeroMQ's queues, so a sender faster than calmond
// shows as a lag that grows. At each status tick the interval is completed into a
// summary (frames per second, median and maximum latency, median and 99th percentile
// lag) and a new one begins. Status reports the last completed interval, so a status
// requested between ticks says the same as the one last published. The median is the
// sample of rank n/2 (the upper middle for an even count), the 99th percentile the
// sample of rank ceil(0.99 n) - 1, both found with nth_element: O(n) per interval. The
// sample buffers keep their capacity, so a steady frame rate allocates nothing after
// the first interval.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace calmon::daemon {

struct IntervalSummary {
  double frame_rate_hz = 0.0;
  double latency_p50_us = 0.0;
  double latency_max_us = 0.0;
  double lag_p50_ms = 0.0;  // 0 when no frame of the interval had an acquisition time
  double lag_p99_ms = 0.0;
  std::uint64_t frames = 0;
};

class IntervalStats {
 public:
  using Clock = std::chrono::steady_clock;

  explicit IntervalStats(Clock::time_point start);

  // One frame processed: `latency_ns` from its receipt to its update's publication and,
  // if the frame was stamped with its acquisition time, `lag_ns` from then.
  void add_frame(std::int64_t latency_ns, std::optional<std::int64_t> lag_ns = std::nullopt) {
    latencies_ns_.push_back(latency_ns);
    if (lag_ns) lags_ns_.push_back(*lag_ns);
  }
  // Ends the interval at `now`, starts the next; returns the ended interval's summary.
  const IntervalSummary& complete(Clock::time_point now);
  // The last completed interval (all zero before the first).
  const IntervalSummary& last() const { return last_; }

 private:
  Clock::time_point start_;
  std::vector<std::int64_t> latencies_ns_;
  std::vector<std::int64_t> lags_ns_;
  IntervalSummary last_;
};

}  // namespace calmon::daemon
