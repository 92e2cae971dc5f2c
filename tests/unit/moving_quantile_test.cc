// moving_quantile_test.cc — the two-heap moving quantile against a naive sort of the
// window, over many windows (odd and even), quantiles, lengths and kinds of data.
#include "core/moving_quantile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "core/cumulative_quantile.h"
#include "core/ordered_key.h"
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
  const std::vector<std::pair<bool, double>> quantiles = {{true, 50},  {false, 0},    {false, 10}, {false, 25},
                                                          {false, 50}, {false, 73.3}, {false, 90}, {false, 100}};
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

// Bit for bit: a NaN equals a NaN of the same bits, and -0 differs from +0.
::testing::AssertionResult same_bits(double a, double b) {
  if (std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " and " << b << " differ in their bits";
}

// The quantile of the values under IEEE total order (NaN above +inf, -0 below +0), from
// a plain sort: what MovingQuantile promises, NaNs and signed zeros included.
double total_order_quantile(const std::vector<double>& values, const QuantileSpec& spec) {
  std::vector<std::int64_t> keys;
  for (double v : values) keys.push_back(ordered_key(v));
  std::sort(keys.begin(), keys.end());
  const QuantileSpec::Position position = spec.position(static_cast<std::int64_t>(keys.size()));
  const double lower = from_ordered_key(keys[static_cast<std::size_t>(position.lower)]);
  const double upper =
      position.needs_upper ? from_ordered_key(keys[static_cast<std::size_t>(position.lower + 1)]) : 0.0;
  return spec.interpolate(lower, upper, position);
}

// Data that makes nearly every push cross the quantile, or rise or sink a whole heap.
std::vector<double> adversarial_trace(int kind, std::size_t length) {
  std::vector<double> x(length);
  for (std::size_t i = 0; i < length; ++i) {
    const auto d = static_cast<double>(i);
    switch (kind) {
      case 0: x[i] = (i % 2 == 0 ? 1.0 : -1.0) * (1000.0 + d); break;  // alternating extremes
      case 1: x[i] = d; break;                                         // rising ramp
      case 2: x[i] = -d; break;                                        // falling ramp
      case 3: x[i] = static_cast<double>((i * 37) % 101); break;       // sawtooth-ish
      case 4: x[i] = 7.0; break;                                       // all equal
      default: x[i] = (i / 50) % 2 == 0 ? d : -d;                      // blocks that flip
    }
  }
  return x;
}

TEST(MovingQuantile, SamplesCrossingTheQuantileAtEveryPushMatchNaive) {
  // Windows whose heaps (about w/2 each for a median, nearly all of w in one heap near
  // p = 0 or 100) fill whole levels of a binary or 4-ary heap, or just miss.
  for (std::int64_t w : {1,  2,  3,  4,  5,  6,  7,   8,   9,   10,  11,  14,  15,  16,  20,  21,
                         22, 42, 43, 84, 85, 86, 170, 171, 172, 255, 256, 341, 342, 510, 511, 512}) {
    for (const auto& [median, p] :
         std::vector<std::pair<bool, double>>{{true, 50}, {false, 0}, {false, 3}, {false, 97}, {false, 100}}) {
      for (int kind = 0; kind < 6; ++kind) {
        expect_matches_naive({w, median, p}, adversarial_trace(kind, static_cast<std::size_t>(w) * 3 + 11));
      }
    }
  }
}

TEST(MovingQuantile, NaNsInfinitiesAndSignedZerosFollowTotalOrderBitForBit) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> specials = {nan, -nan, inf, -inf, 0.0, -0.0, 1e-310, -1e-310, 5.0, -5.0};
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<std::size_t> pick(0, specials.size() - 1);
  std::normal_distribution<double> normal(0.0, 4.0);
  for (std::int64_t w : {1, 2, 5, 8, 21, 64}) {
    for (const QuantileSpec& spec : {QuantileSpec::median(), QuantileSpec::percentile(0), QuantileSpec::percentile(30),
                                     QuantileSpec::percentile(100)}) {
      std::vector<double> x(static_cast<std::size_t>(w) * 4 + 9);
      for (double& v : x) v = rng() % 3 == 0 ? specials[pick(rng)] : normal(rng);
      MovingQuantile q(w, spec);
      for (std::size_t t = 0; t < x.size(); ++t) {
        q.push(x[t]);
        const auto window = reference::trailing_window(x, t, static_cast<std::size_t>(w));
        const double expected = total_order_quantile(window, spec);
        ASSERT_TRUE(same_bits(q.quantile(), expected) || (std::isnan(q.quantile()) && std::isnan(expected)))
            << "w=" << w << " " << spec.describe() << " t=" << t;
      }
    }
  }
}

TEST(MovingQuantile, RecentReturnsEverySampleHeldAcrossManyWrapArounds) {
  const double canonical_nan = std::numeric_limits<double>::quiet_NaN();
  for (std::int64_t w : {1, 2, 3, 15, 16, 17, 33, 501}) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(w));
    std::normal_distribution<double> normal(10.0, 3.0);
    std::vector<double> x(static_cast<std::size_t>(w) * 5 + 7);
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] = i % 13 == 5 ? -std::numeric_limits<double>::quiet_NaN() : i % 11 == 3 ? -0.0 : normal(rng);
    }
    MovingQuantile q(w, QuantileSpec::median());
    for (std::size_t t = 0; t < x.size(); ++t) {
      q.push(x[t]);
      for (std::int64_t age = 0; age < q.size(); ++age) {
        const double pushed = x[t - static_cast<std::size_t>(age)];
        // As ordered: the sample's own bits, except that every NaN is the positive quiet NaN.
        ASSERT_TRUE(same_bits(q.recent(age), std::isnan(pushed) ? canonical_nan : pushed))
            << "w=" << w << " t=" << t << " age=" << age;
      }
    }
  }
}

TEST(MovingQuantile, PrefetchingChangesNoResultAtAnyStage) {
  std::mt19937_64 rng(5);
  for (std::int64_t w : {1, 2, 5, 11, 64, 85, 501}) {
    for (const QuantileSpec& spec : {QuantileSpec::median(), QuantileSpec::percentile(0), QuantileSpec::percentile(42),
                                     QuantileSpec::percentile(100)}) {
      MovingQuantile plain(w, spec);
      MovingQuantile hinted(w, spec);
      for (int trace = 0; trace < 2; ++trace) {  // the second after clear(): stale where[]
        const std::vector<double> x = random_trace(rng, static_cast<std::size_t>(w) * 3 + 5, trace + 1);
        hinted.prefetch();
        for (std::size_t t = 0; t < x.size(); ++t) {
          for (std::int64_t age : {std::int64_t{0}, (w - 1) / 2, w - 1, w, 3 * w}) {
            hinted.prefetch_recent_after_push(age);
            hinted.prefetch_recent_node_after_push(age);
          }
          plain.push(x[t]);
          hinted.push(x[t]);
          hinted.prefetch();
          ASSERT_TRUE(same_bits(hinted.quantile(), plain.quantile())) << "w=" << w << " t=" << t;
          ASSERT_TRUE(same_bits(hinted.recent(0), plain.recent(0)));
          if (plain.full()) {
            ASSERT_TRUE(same_bits(hinted.value(), plain.value()));
          }
        }
        plain.clear();
        hinted.clear();
      }
    }
  }
}

TEST(MovingQuantile, ACopyContinuesExactlyLikeTheOriginal) {
  std::mt19937_64 rng(8);
  for (std::int64_t w : {1, 4, 37, 501}) {
    const std::vector<double> x = random_trace(rng, static_cast<std::size_t>(w) * 4, 2);
    for (std::size_t cut : {std::size_t{0}, static_cast<std::size_t>(w / 2), static_cast<std::size_t>(w) * 2 + 1}) {
      MovingQuantile original(w, QuantileSpec::percentile(20));
      for (std::size_t t = 0; t < cut; ++t) original.push(x[t]);
      MovingQuantile copy(original);
      MovingQuantile assigned(3, QuantileSpec::median());
      assigned = original;
      for (std::size_t t = cut; t < x.size(); ++t) {
        original.push(x[t]);
        copy.push(x[t]);
        assigned.push(x[t]);
        ASSERT_TRUE(same_bits(copy.quantile(), original.quantile())) << "w=" << w << " cut=" << cut << " t=" << t;
        ASSERT_TRUE(same_bits(assigned.quantile(), original.quantile()));
        ASSERT_EQ(copy.size(), original.size());
        for (std::int64_t age = 0; age < original.size(); age += 7)
          ASSERT_TRUE(same_bits(copy.recent(age), original.recent(age)));
      }
    }
  }
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
    for (const auto& [median, p] :
         std::vector<std::pair<bool, double>>{{true, 50}, {false, 10}, {false, 0}, {false, 100}, {false, 37.5}}) {
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
