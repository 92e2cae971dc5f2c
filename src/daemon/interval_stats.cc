// interval_stats.cc — completing an interval into its summary; see the header.
#include "daemon/interval_stats.h"

#include <algorithm>
#include <cstddef>

namespace calmon::daemon {

namespace {

// The sample of rank `rank` (0-based) in `samples`, which it partly reorders.
std::int64_t sample_of_rank(std::vector<std::int64_t>& samples, std::size_t rank) {
  const auto nth = samples.begin() + static_cast<std::ptrdiff_t>(rank);
  std::nth_element(samples.begin(), nth, samples.end());
  return *nth;
}

}  // namespace

IntervalStats::IntervalStats(Clock::time_point start) : start_(start) {
  latencies_ns_.reserve(4096);
  lags_ns_.reserve(4096);
}

const IntervalSummary& IntervalStats::complete(Clock::time_point now) {
  const double seconds = std::chrono::duration<double>(now - start_).count();
  last_ = IntervalSummary{};
  last_.frames = latencies_ns_.size();
  last_.frame_rate_hz = seconds > 0.0 ? static_cast<double>(latencies_ns_.size()) / seconds : 0.0;
  if (!latencies_ns_.empty()) {
    last_.latency_p50_us = static_cast<double>(sample_of_rank(latencies_ns_, latencies_ns_.size() / 2)) / 1e3;
    last_.latency_max_us = static_cast<double>(*std::max_element(latencies_ns_.begin(), latencies_ns_.end())) / 1e3;
  }
  if (!lags_ns_.empty()) {
    const std::size_t n = lags_ns_.size();
    last_.lag_p99_ms = static_cast<double>(sample_of_rank(lags_ns_, (99 * n + 99) / 100 - 1)) / 1e6;
    last_.lag_p50_ms = static_cast<double>(sample_of_rank(lags_ns_, n / 2)) / 1e6;
  }
  latencies_ns_.clear();
  lags_ns_.clear();
  start_ = now;
  return last_;
}

}  // namespace calmon::daemon
