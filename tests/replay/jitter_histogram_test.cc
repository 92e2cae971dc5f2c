// jitter_histogram_test.cc — percentiles are nearest-rank, exact below 1024 ns and
// within 0.1 % above; the maximum is exact; memory does not grow with the count.
#include "replay/jitter_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace calmon::replay {
namespace {

// Nearest rank over the sorted samples: the smallest value with ceil(q/100 * n) values <= it.
std::int64_t nearest_rank(std::vector<std::int64_t> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(q * static_cast<double>(values.size()) / 100.0 - 1e-9)));
  return values[static_cast<std::size_t>(rank - 1)];
}

TEST(JitterHistogram, NothingRecordedReportsZeros) {
  const JitterHistogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.max_ns(), 0);
  EXPECT_EQ(histogram.percentile_ns(50), 0);
}

TEST(JitterHistogram, PercentilesOfOneToAHundredAreTheirRanks) {
  JitterHistogram histogram;
  for (int v = 100; v >= 1; --v) histogram.record(v);
  EXPECT_EQ(histogram.count(), 100);
  EXPECT_EQ(histogram.percentile_ns(0), 1);
  EXPECT_EQ(histogram.percentile_ns(1), 1);
  EXPECT_EQ(histogram.percentile_ns(50), 50);
  EXPECT_EQ(histogram.percentile_ns(99), 99);  // not 100: q * n is computed exactly
  EXPECT_EQ(histogram.percentile_ns(99.5), 100);
  EXPECT_EQ(histogram.percentile_ns(100), 100);
  EXPECT_EQ(histogram.max_ns(), 100);
}

TEST(JitterHistogram, ValuesBelow1024NanosecondsAreExact) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> value(0, 1023);
  std::vector<std::int64_t> values(10'001);
  JitterHistogram histogram;
  for (std::int64_t& v : values) {
    v = value(rng);
    histogram.record(v);
  }
  for (const double q : {0.0, 10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(histogram.percentile_ns(q), nearest_rank(values, q)) << "p" << q;
  }
}

TEST(JitterHistogram, LargerValuesAreWithinAThousandthOfTheExactPercentile) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> log10_value(0, 12);  // 1 ns .. 1000 s
  std::vector<std::int64_t> values(50'000);
  JitterHistogram histogram;
  for (std::int64_t& v : values) {
    v = static_cast<std::int64_t>(std::pow(10.0, log10_value(rng)));
    histogram.record(v);
  }
  for (const double q : {1.0, 25.0, 50.0, 75.0, 99.0, 99.99}) {
    const double exact = static_cast<double>(nearest_rank(values, q));
    EXPECT_NEAR(static_cast<double>(histogram.percentile_ns(q)), exact, exact / 1000.0) << "p" << q;
  }
  EXPECT_EQ(histogram.max_ns(), *std::max_element(values.begin(), values.end()));
}

TEST(JitterHistogram, TheMaximumIsExactAndNoPercentileExceedsIt) {
  JitterHistogram histogram;
  histogram.record(3'000);
  histogram.record(123'456'789);
  EXPECT_EQ(histogram.max_ns(), 123'456'789);
  EXPECT_EQ(histogram.percentile_ns(100), 123'456'789);
  EXPECT_LE(histogram.percentile_ns(99), 123'456'789);
}

TEST(JitterHistogram, TheWholeInt64RangeFits) {
  JitterHistogram histogram;
  histogram.record(std::numeric_limits<std::int64_t>::max());
  histogram.record(std::int64_t{1} << 62);
  EXPECT_EQ(histogram.max_ns(), std::numeric_limits<std::int64_t>::max());
  EXPECT_NEAR(static_cast<double>(histogram.percentile_ns(50)), 0x1p62, 0x1p62 / 1000);
}

TEST(JitterHistogram, AnEarlySendCountsAsZero) {
  JitterHistogram histogram;
  histogram.record(-500);
  histogram.record(-1);
  EXPECT_EQ(histogram.percentile_ns(100), 0);
  EXPECT_EQ(histogram.max_ns(), 0);
  EXPECT_EQ(histogram.count(), 2);
}

}  // namespace
}  // namespace calmon::replay
