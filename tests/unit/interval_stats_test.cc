// interval_stats_test.cc — frame rate, median and maximum latency, median and 99th
// percentile acquisition lag per status interval.
#include "daemon/interval_stats.h"

#include <gtest/gtest.h>

namespace calmon::daemon {
namespace {

using namespace std::chrono_literals;

const IntervalStats::Clock::time_point t0{};

TEST(IntervalStats, ASummaryCoversTheFramesOfItsIntervalOnly) {
  IntervalStats stats(t0);
  EXPECT_EQ(stats.last().frames, 0u);
  for (std::int64_t latency_us : {30, 10, 20, 50, 40}) stats.add_frame(latency_us * 1000);
  const IntervalSummary& first = stats.complete(t0 + 500ms);
  EXPECT_EQ(first.frames, 5u);
  EXPECT_DOUBLE_EQ(first.frame_rate_hz, 10.0);
  EXPECT_DOUBLE_EQ(first.latency_p50_us, 30.0);
  EXPECT_DOUBLE_EQ(first.latency_max_us, 50.0);

  stats.add_frame(7000);
  stats.add_frame(1000);
  const IntervalSummary& second = stats.complete(t0 + 1500ms);
  EXPECT_EQ(second.frames, 2u);
  EXPECT_DOUBLE_EQ(second.frame_rate_hz, 2.0);
  EXPECT_DOUBLE_EQ(second.latency_p50_us, 7.0);  // the upper middle of an even count
  EXPECT_DOUBLE_EQ(second.latency_max_us, 7.0);
  EXPECT_DOUBLE_EQ(stats.last().latency_max_us, 7.0);
}

TEST(IntervalStats, TheLagCoversTheFramesThatCarryAnAcquisitionTime) {
  IntervalStats stats(t0);
  for (std::int64_t lag_ms = 1; lag_ms <= 200; ++lag_ms) stats.add_frame(1000, lag_ms * 1'000'000);
  stats.add_frame(1000);  // no acquisition time: latency only
  const IntervalSummary& summary = stats.complete(t0 + 1s);
  EXPECT_EQ(summary.frames, 201u);
  EXPECT_DOUBLE_EQ(summary.lag_p50_ms, 101.0);  // rank 100 of 200
  EXPECT_DOUBLE_EQ(summary.lag_p99_ms, 198.0);  // rank ceil(0.99 * 200) - 1 = 197

  stats.add_frame(1000);
  const IntervalSummary& unstamped = stats.complete(t0 + 2s);
  EXPECT_EQ(unstamped.lag_p50_ms, 0.0);
  EXPECT_EQ(unstamped.lag_p99_ms, 0.0);

  stats.add_frame(1000, 2'500'000);
  const IntervalSummary& one = stats.complete(t0 + 3s);
  EXPECT_DOUBLE_EQ(one.lag_p50_ms, 2.5);
  EXPECT_DOUBLE_EQ(one.lag_p99_ms, 2.5);
}

TEST(IntervalStats, AnIntervalWithoutFramesIsAllZero) {
  IntervalStats stats(t0);
  stats.add_frame(5000);
  stats.complete(t0 + 1s);
  const IntervalSummary& idle = stats.complete(t0 + 2s);
  EXPECT_EQ(idle.frames, 0u);
  EXPECT_EQ(idle.frame_rate_hz, 0.0);
  EXPECT_EQ(idle.latency_p50_us, 0.0);
  EXPECT_EQ(idle.latency_max_us, 0.0);
  EXPECT_EQ(idle.lag_p50_ms, 0.0);
  EXPECT_EQ(idle.lag_p99_ms, 0.0);
}

}  // namespace
}  // namespace calmon::daemon
