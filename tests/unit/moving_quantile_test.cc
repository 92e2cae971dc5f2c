// moving_quantile_test.cc — the two-heap moving quantile against a naive sort of the
// window, over many windows (odd and even), quantiles, lengths and kinds of data.
#include "core/moving_quantile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "core/cumulative_quantile.h"
#include "reference_filters.h"

namespace calmon {
namespace {

struct Case {
  std::int64_t window;
  bool median;
  double percentile;
};

QuantileSpec spec_of(const Case& c) {
  return c.median ? QuantileSpec::median() : QuantileSpec::percentile(c.percentile);
}

double naive_quantile(const std::vector<double>& values, const Case& c) {
  return c.median ? reference::numpy_median(values) : reference::numpy_percentile(values, c.percentile);
}

// Draws data of several kinds: continuous noise, heavy ties, a drifting trace with spikes.
std::vector<double> random_trace(std::mt19937_64& rng, std::size_t length, int kind) {
  std::vector<double> x(length);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> small(0, 4);
  for (std::size_t i = 0; i < length; ++i) {
    switch (kind) {
      case 0: x[i] = normal(rng); break;
      case 1: x[i] = small(rng); break;  // many equal values
      default: x[i] = 100.0 + 0.05 * static_cast<double>(i) + normal(rng) + (i % 37 == 0 ? 40.0 : 0.0);
    }
  }
  return x;
}

void expect_matches_naive(const Case& c, const std::vector<double>& x) {
  MovingQuantile q(c.window, spec_of(c));
  const auto rank = reference::scipy_rank(c.window, c.median, c.percentile);
  for (std::size_t t = 0; t < x.size(); ++t) {
    q.push(x[t]);
    const std::vector<double> window = reference::trailing_window(x, t, static_cast<std::size_t>(c.window));
    ASSERT_EQ(q.size(), static_cast<std::int64_t>(window.size()));
    ASSERT_EQ(q.quantile(), naive_quantile(window, c))
        << "window " << c.window << " " << spec_of(c).describe() << " at t=" << t;
    if (q.full()) {
      std::vector<double> sorted = window;
      std::sort(sorted.begin(), sorted.end());
      ASSERT_EQ(q.value(), sorted[static_cast<std::size_t>(rank)]) << "t=" << t;
    }
  }
}

TEST(MovingQuantile, LiveQuantileAndScipyRankMatchANaiveSortOfTheWindow) {
  std::mt19937_64 rng(20261124);
  const std::vector<std::int64_t> windows = {1, 2, 3, 4, 5, 6, 7, 10, 11, 64, 101, 200, 201, 501};
  const std::vector<std::pair<bool, double>> quantiles = {
      {true, 50}, {false, 0}, {false, 10}, {false, 25}, {false, 50}, {false, 73.3}, {false, 90}, {false, 100}};
  for (std::int64_t w : windows) {
    for (const auto& [median, p] : quantiles) {
      for (int kind = 0; kind < 3; ++kind) {
        const std::size_t length = static_cast<std::size_t>(w) * 3 + 17;
        expect_matches_naive({w, median, p}, random_trace(rng, length, kind));
      }
    }
  }
}

TEST(MovingQuantile, TracesShorterThanTheWindowGiveTheQuantileOfEverySampleSoFar) {
  std::mt19937_64 rng(7);
  for (std::int64_t w : {5, 100, 1001}) {
    for (std::size_t length : {1u, 2u, 3u, 4u, 50u}) {
      expect_matches_naive({w, true, 50}, random_trace(rng, length, 0));
      expect_matches_naive({w, false, 10}, random_trace(rng, length, 1));
    }
  }
}

TEST(MovingQuantile, RandomWindowsAndPercentilesMatchNaive) {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<std::int64_t> window(1, 300);
  std::uniform_real_distribution<double> percentile(0.0, 100.0);
  for (int round = 0; round < 60; ++round) {
    const Case c{window(rng), round % 3 == 0, percentile(rng)};
    expect_matches_naive(c, random_trace(rng, static_cast<std::size_t>(c.window) * 2 + 5, round % 3));
  }
}

TEST(MovingQuantile, ScipyRankIsAlwaysNextToNumpysRank) {
  // The constructor refuses otherwise; sweep a fine grid of percentiles and windows.
  for (std::int64_t w = 1; w <= 400; w += 3) {
    for (int step = 0; step <= 10000; step += 7) {
      EXPECT_NO_THROW(MovingQuantile(w, QuantileSpec::percentile(step / 100.0)));
    }
  }
}

TEST(MovingQuantile, RecentReturnsThePushedSamplesByAge) {
  MovingQuantile q(4, QuantileSpec::median());
  for (double x : {5.0, -1.0, 3.5, 8.0, 2.0, 7.0}) q.push(x);
  EXPECT_EQ(q.recent(0), 7.0);
  EXPECT_EQ(q.recent(1), 2.0);
  EXPECT_EQ(q.recent(2), 8.0);
  EXPECT_EQ(q.recent(3), 3.5);
}

TEST(MovingQuantile, ANaNSortsAboveInfinityAndLeavesNoTraceOnceOutOfTheWindow) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  MovingQuantile q(3, QuantileSpec::median());
  q.push(1.0);
  q.push(nan);
  q.push(2.0);
  EXPECT_EQ(q.quantile(), 2.0);  // {1, 2, NaN}: NaN is the largest
  q.push(3.0);
  EXPECT_EQ(q.quantile(), 3.0);  // {NaN, 2, 3}
  q.push(0.5);                   // NaN leaves: {2, 3, 0.5}
  EXPECT_EQ(q.quantile(), 2.0);
  for (double x : {9.0, 4.0, 6.0}) q.push(x);
  EXPECT_EQ(q.quantile(), 6.0);
}

TEST(MovingQuantile, ClearStartsANewTrace) {
  MovingQuantile q(3, QuantileSpec::median());
  for (double x : {10.0, 20.0, 30.0, 40.0}) q.push(x);
  q.clear();
  EXPECT_EQ(q.size(), 0);
  q.push(1.0);
  EXPECT_EQ(q.quantile(), 1.0);
}

TEST(MovingQuantile, RejectsAWindowBelowOne) {
  EXPECT_THROW(MovingQuantile(0, QuantileSpec::median()), Error);
  EXPECT_THROW(MovingQuantile(-5, QuantileSpec::median()), Error);
}

TEST(QuantileSpec, RejectsAPercentileOutsideZeroToHundred) {
  EXPECT_THROW(QuantileSpec::percentile(-0.5), Error);
  EXPECT_THROW(QuantileSpec::percentile(100.01), Error);
  EXPECT_THROW(QuantileSpec::percentile(std::nan("")), Error);
  try {
    QuantileSpec::percentile(120);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "percentile 120 is outside [0, 100]");
  }
}

TEST(CumulativeQuantile, EqualsNumpyOverEverySampleSoFar) {
  std::mt19937_64 rng(3);
  for (int kind = 0; kind < 3; ++kind) {
    for (const auto& [median, p] : std::vector<std::pair<bool, double>>{{true, 50}, {false, 10}, {false, 0}, {false, 100}, {false, 37.5}}) {
      const std::vector<double> x = random_trace(rng, 700, kind);
      CumulativeQuantile q(median ? QuantileSpec::median() : QuantileSpec::percentile(p));
      for (std::size_t t = 0; t < x.size(); ++t) {
        q.push(x[t]);
        const std::vector<double> so_far(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(t + 1));
        ASSERT_EQ(q.quantile(), median ? reference::numpy_median(so_far) : reference::numpy_percentile(so_far, p))
            << "t=" << t << " p=" << p;
      }
    }
  }
}

}  // namespace
}  // namespace calmon
