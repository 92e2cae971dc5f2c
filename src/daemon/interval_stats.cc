// interval_stats.cc — completing an interval into its summary; see the header.
#include "daemon/interval_stats.h"

#include <algorithm>

namespace calmon::daemon {

IntervalStats::IntervalStats(Clock::time_point start) : start_(start) { latencies_ns_.reserve(4096); }

const IntervalSummary& IntervalStats::complete(Clock::time_point now) {
  const double seconds = std::chrono::duration<double>(now - start_).count();
  last_ = IntervalSummary{};
  last_.frames = latencies_ns_.size();
  last_.frame_rate_hz = seconds > 0.0 ? static_cast<double>(latencies_ns_.size()) / seconds : 0.0;
  if (!latencies_ns_.empty()) {
    const auto middle = latencies_ns_.begin() + static_cast<std::ptrdiff_t>(latencies_ns_.size() / 2);
    std::nth_element(latencies_ns_.begin(), middle, latencies_ns_.end());
    last_.latency_p50_us = static_cast<double>(*middle) / 1e3;
    last_.latency_max_us = static_cast<double>(*std::max_element(latencies_ns_.begin(), latencies_ns_.end())) / 1e3;
  }
  latencies_ns_.clear();
  start_ = now;
  return last_;
}

}  // namespace calmon::daemon
