// interval_stats_test.cc — frame rate, median and maximum latency per status interval.
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

TEST(IntervalStats, AnIntervalWithoutFramesIsAllZero) {
  IntervalStats stats(t0);
  stats.add_frame(5000);
  stats.complete(t0 + 1s);
  const IntervalSummary& idle = stats.complete(t0 + 2s);
  EXPECT_EQ(idle.frames, 0u);
  EXPECT_EQ(idle.frame_rate_hz, 0.0);
  EXPECT_EQ(idle.latency_p50_us, 0.0);
  EXPECT_EQ(idle.latency_max_us, 0.0);
}

}  // namespace
}  // namespace calmon::daemon
