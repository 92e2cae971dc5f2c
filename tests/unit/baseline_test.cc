// baseline_test.cc — every baseline kind, live and settled, against naive statements of
// numpy's and scipy's definitions; the settled moving quantile bit for bit, including
// mirrored ends, traces shorter than the window and the exact publication lag.
#include "core/baseline.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "core/centered_filter.h"
#include "core/delta_f.h"
#include "core/gaussian_window.h"
#include "core/moving_extremum.h"
#include "core/moving_quantile.h"
#include "core/sample_ring.h"
#include "reference_filters.h"

namespace calmon {
namespace {

std::vector<double> noisy_trace(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 3.0);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = 200.0 + 0.02 * static_cast<double>(i) + noise(rng) + (i % 53 < 4 ? 60.0 : 0.0);
  }
  return x;
}

struct BaselineRun {
  std::vector<double> live;
  std::vector<SettledSample> settled;
  std::vector<std::int64_t> settled_at;  // samples pushed when each settled value arrived
};

BaselineRun run(const BaselineSettings& settings, const std::vector<double>& x) {
  auto baseline = make_baseline(settings);
  BaselineRun r;
  for (double f : x) {
    const std::size_t before = r.settled.size();
    r.live.push_back(baseline->push(f, r.settled));
    for (std::size_t i = before; i < r.settled.size(); ++i)
      r.settled_at.push_back(static_cast<std::int64_t>(r.live.size()));
  }
  baseline->finish(r.settled);
  return r;
}

BaselineSettings moving(std::int64_t w, std::optional<double> percentile = std::nullopt) {
  BaselineSettings s;
  s.kind = BaselineSettings::Kind::kMovingQuantile;
  s.window = w;
  s.quantile = percentile ? QuantileSpec::percentile(*percentile) : QuantileSpec::median();
  return s;
}

TEST(MovingBaseline, SettledEqualsScipyMedianFilterBitForBit) {
  for (std::int64_t w : {1, 2, 3, 4, 10, 11, 200, 201, 501, 1001}) {
    for (std::size_t n : {1u, 2u, 5u, 100u, 600u, 2000u}) {
      const std::vector<double> x = noisy_trace(static_cast<std::uint64_t>(w * 7919 + static_cast<std::int64_t>(n)), n);
      const BaselineRun r = run(moving(w), x);
      const std::vector<double> expected = reference::scipy_rank_filter(x, w, w / 2);
      ASSERT_EQ(r.settled.size(), x.size()) << "w=" << w << " n=" << n;
      for (std::size_t t = 0; t < x.size(); ++t) {
        ASSERT_EQ(r.settled[t].f0, expected[t]) << "w=" << w << " n=" << n << " t=" << t;
        ASSERT_EQ(r.settled[t].f, x[t]);
      }
    }
  }
}

TEST(MovingBaseline, SettledEqualsScipyPercentileFilter) {
  for (double p : {0.0, 8.0, 10.0, 33.3, 50.0, 90.0, 100.0}) {
    for (std::int64_t w : {1, 6, 7, 50, 301}) {
      for (std::size_t n : {3u, 40u, 900u}) {
        const std::vector<double> x =
            noisy_trace(static_cast<std::uint64_t>(p * 10 + static_cast<double>(w + static_cast<std::int64_t>(n))), n);
        const BaselineRun r = run(moving(w, p), x);
        const std::vector<double> expected = reference::scipy_rank_filter(x, w, reference::scipy_rank(w, false, p));
        ASSERT_EQ(r.settled.size(), x.size());
        for (std::size_t t = 0; t < x.size(); ++t)
          ASSERT_EQ(r.settled[t].f0, expected[t]) << "p=" << p << " w=" << w << " t=" << t;
      }
    }
  }
}

TEST(MovingBaseline, LiveIsTheNumpyQuantileOfTheTrailingWindow) {
  const std::vector<double> x = noisy_trace(11, 400);
  for (std::int64_t w : {1, 4, 25, 101}) {
    const BaselineRun median = run(moving(w), x);
    const BaselineRun tenth = run(moving(w, 10.0), x);
    for (std::size_t t = 0; t < x.size(); ++t) {
      const std::vector<double> window = reference::trailing_window(x, t, static_cast<std::size_t>(w));
      ASSERT_EQ(median.live[t], reference::numpy_median(window));
      ASSERT_EQ(tenth.live[t], reference::numpy_percentile(window, 10.0));
    }
  }
}

TEST(MovingBaseline, SettledValueOfFrameTArrivesWithFrameTPlusHalfTheWindowBelow) {
  for (std::int64_t w : {1, 2, 11, 12, 501}) {
    const std::vector<double> x = noisy_trace(5, 1200);
    auto baseline = make_baseline(moving(w));
    EXPECT_EQ(baseline->settled_lag(), (w - 1) / 2);
    const BaselineRun r = run(moving(w), x);
    const std::int64_t n = static_cast<std::int64_t>(x.size());
    for (std::int64_t t = 0; t + (w - 1) / 2 < n; ++t) {
      ASSERT_EQ(r.settled_at[static_cast<std::size_t>(t)], t + (w - 1) / 2 + 1) << "w=" << w << " t=" << t;
    }
  }
}

TEST(CumulativeBaseline, LiveIsTheStatisticSoFarAndSettledTheWholeTraces) {
  const std::vector<double> x = noisy_trace(17, 1000);
  BaselineSettings mean;
  mean.kind = BaselineSettings::Kind::kCumulativeMean;
  BaselineSettings median;
  median.kind = BaselineSettings::Kind::kCumulativeQuantile;
  BaselineSettings tenth = median;
  tenth.quantile = QuantileSpec::percentile(10.0);

  const BaselineRun m = run(mean, x), med = run(median, x), p10 = run(tenth, x);
  long double exact_sum = 0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    exact_sum += x[t];
    const double exact_mean = static_cast<double>(exact_sum / static_cast<long double>(t + 1));
    ASSERT_NEAR(m.live[t], exact_mean, 1e-13 * std::fabs(exact_mean));
    const std::vector<double> so_far(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(t + 1));
    ASSERT_EQ(med.live[t], reference::numpy_median(so_far));
    ASSERT_EQ(p10.live[t], reference::numpy_percentile(so_far, 10.0));
  }
  ASSERT_EQ(m.settled.size(), x.size());
  for (std::size_t t = 0; t < x.size(); ++t) {
    EXPECT_EQ(m.settled[t].f, x[t]);
    EXPECT_EQ(m.settled[t].f0, m.live.back());
    EXPECT_EQ(med.settled[t].f0, reference::numpy_median(x));
    EXPECT_EQ(p10.settled[t].f0, reference::numpy_percentile(x, 10.0));
  }
  EXPECT_EQ(make_baseline(mean)->settled_lag(), -1);
}

// Suite2p's maximin written as scipy does it, one whole-trace pass per filter.
std::vector<double> naive_maximin(const std::vector<double>& x, std::int64_t w, double sigma) {
  const GaussianWindow kernel(sigma);
  const std::int64_t radius = kernel.radius();
  const auto& weight = kernel.weights();
  const auto n = static_cast<std::int64_t>(x.size());
  std::vector<double> smooth(x.size()), low(x.size()), high(x.size());
  for (std::int64_t t = 0; t < n; ++t) {
    double sum = x[static_cast<std::size_t>(t)] * weight[0];
    for (std::int64_t k = radius; k >= 1; --k) {
      sum += (x[static_cast<std::size_t>(reference::reflect(t - k, n))] +
              x[static_cast<std::size_t>(reference::reflect(t + k, n))]) *
             weight[static_cast<std::size_t>(k)];
    }
    smooth[static_cast<std::size_t>(t)] = sum;
  }
  for (std::int64_t t = 0; t < n; ++t) {
    const auto window = reference::centered_window(smooth, t, w);
    low[static_cast<std::size_t>(t)] = *std::min_element(window.begin(), window.end());
  }
  for (std::int64_t t = 0; t < n; ++t) {
    const auto window = reference::centered_window(low, t, w);
    high[static_cast<std::size_t>(t)] = *std::max_element(window.begin(), window.end());
  }
  return high;
}

TEST(MaximinBaseline, SettledEqualsGaussianThenMinimumThenMaximumFilter) {
  for (std::int64_t w : {1, 2, 9, 60, 301}) {
    for (double sigma : {0.0, 0.3, 1.0, 10.0}) {
      for (std::size_t n : {1u, 7u, 120u, 1500u}) {
        const std::vector<double> x = noisy_trace(static_cast<std::uint64_t>(w) + n, n);
        BaselineSettings s;
        s.kind = BaselineSettings::Kind::kMaximin;
        s.window = w;
        s.sigma = sigma;
        const BaselineRun r = run(s, x);
        const std::vector<double> expected = naive_maximin(x, w, sigma);
        ASSERT_EQ(r.settled.size(), x.size()) << "w=" << w << " sigma=" << sigma << " n=" << n;
        for (std::size_t t = 0; t < x.size(); ++t) {
          ASSERT_EQ(r.settled[t].f0, expected[t]) << "w=" << w << " sigma=" << sigma << " n=" << n << " t=" << t;
          ASSERT_EQ(r.settled[t].f, x[t]);
        }
        EXPECT_EQ(make_baseline(s)->settled_lag(), GaussianWindow::radius_for(sigma) + 2 * ((w - 1) / 2));
      }
    }
  }
}

TEST(MaximinBaseline, LiveStaysWithinTheTrailingRangeOfTheSmoothedTrace) {
  const std::vector<double> x = noisy_trace(23, 800);
  BaselineSettings s;
  s.kind = BaselineSettings::Kind::kMaximin;
  s.window = 50;
  s.sigma = 2.0;
  const BaselineRun r = run(s, x);
  for (std::size_t t = 0; t < x.size(); ++t) {
    const auto window = reference::trailing_window(x, t, 100);
    EXPECT_GE(r.live[t], *std::min_element(window.begin(), window.end()) - 1e-9);
    EXPECT_LE(r.live[t], *std::max_element(window.begin(), window.end()) + 1e-9);
  }
}

TEST(BaselineSettings, RejectsAWindowBelowOneAndASigmaOutsideZeroToAMillion) {
  BaselineSettings s = moving(0);
  EXPECT_THROW(make_baseline(s), Error);
  s.kind = BaselineSettings::Kind::kMaximin;
  s.window = 10;
  for (double sigma : {-1.0, 1e6 * (1 + 1e-15), 1e19, std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
    s.sigma = sigma;
    EXPECT_THROW(s.validate(), Error) << sigma;
    EXPECT_THROW(make_baseline(s), Error) << sigma;
  }
  for (double sigma : {0.0, 1e6}) {
    s.sigma = sigma;
    EXPECT_NO_THROW(s.validate()) << sigma;
  }
  try {
    make_baseline(moving(-3));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "baseline window -3 is below 1");
  }
}

TEST(GaussianWindow, RefusesASigmaWhoseRadiusWouldOverflowInsteadOfNotSmoothing) {
  // 4 * 1e19 + 0.5 does not fit in 64 bits: the radius came out negative, the kernel one
  // sample long, and the "smoothing" was the identity.
  for (double sigma :
       {1e19, 1e300, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), -0.5}) {
    EXPECT_THROW(GaussianWindow::radius_for(sigma), Error) << sigma;
    EXPECT_THROW(GaussianWindow window(sigma), Error) << sigma;
  }
  EXPECT_EQ(GaussianWindow::radius_for(GaussianWindow::kMaxSigma), 4000000);
  EXPECT_EQ(GaussianWindow(2.0).radius(), 8);
}

TEST(Baseline, ClearStartsANewTrace) {
  const std::vector<double> x = noisy_trace(29, 300);
  auto baseline = make_baseline(moving(21));
  std::vector<SettledSample> ignored;
  for (double f : noisy_trace(31, 77)) baseline->push(f, ignored);
  baseline->clear();
  std::vector<SettledSample> settled;
  for (double f : x) baseline->push(f, settled);
  baseline->finish(settled);
  const auto expected = reference::scipy_rank_filter(x, 21, 10);
  ASSERT_EQ(settled.size(), x.size());
  for (std::size_t t = 0; t < x.size(); ++t) EXPECT_EQ(settled[t].f0, expected[t]);
}

TEST(Baseline, PrefetchingBeforeEveryPushChangesNoResultOfAnyKind) {
  std::vector<BaselineSettings> kinds = {moving(1), moving(2), moving(31), moving(501), moving(64, 8.0)};
  BaselineSettings s;
  s.kind = BaselineSettings::Kind::kMaximin;
  s.window = 40;
  s.sigma = 1.5;
  kinds.push_back(s);
  s.kind = BaselineSettings::Kind::kCumulativeQuantile;
  kinds.push_back(s);
  s.kind = BaselineSettings::Kind::kCumulativeMean;
  kinds.push_back(s);
  for (const BaselineSettings& settings : kinds) {
    auto plain = make_baseline(settings);
    auto hinted = make_baseline(settings);
    for (int trace = 0; trace < 2; ++trace) {  // the second after clear()
      const std::vector<double> x = noisy_trace(static_cast<std::uint64_t>(41 + trace), 1300);
      std::vector<SettledSample> a, b;
      for (double f : x) {
        hinted->prefetch();
        const double live_a = plain->push(f, a);
        const double live_b = hinted->push(f, b);
        ASSERT_EQ(std::bit_cast<std::uint64_t>(live_a), std::bit_cast<std::uint64_t>(live_b)) << settings.describe();
      }
      hinted->prefetch();
      plain->finish(a);
      hinted->finish(b);
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t t = 0; t < a.size(); ++t) {
        ASSERT_EQ(std::bit_cast<std::uint64_t>(a[t].f0), std::bit_cast<std::uint64_t>(b[t].f0))
            << settings.describe() << " t=" << t;
        ASSERT_EQ(std::bit_cast<std::uint64_t>(a[t].f), std::bit_cast<std::uint64_t>(b[t].f));
      }
      plain->clear();
      hinted->clear();
      hinted->prefetch();
    }
  }
}

// MovingQuantile without recent(): a CenteredFilter over it keeps its own ring.
class ForgetfulQuantile {
 public:
  ForgetfulQuantile(std::int64_t window, QuantileSpec spec) : q_(window, spec) {}
  void push(double x) { q_.push(x); }
  double value() const { return q_.value(); }
  void clear() { q_.clear(); }

 private:
  MovingQuantile q_;
};
static_assert(KeepsRecentSamples<MovingQuantile>);
static_assert(KeepsRecentSamples<GaussianWindow>);
static_assert(!KeepsRecentSamples<ForgetfulQuantile>);

TEST(CenteredFilter, SamplesFromTheReducerOrFromItsOwnRingGiveTheSameOutputs) {
  for (std::int64_t w : {1, 2, 3, 8, 9, 100, 501}) {
    for (std::size_t n : {1u, 2u, 4u, 9u, 60u, 250u, 251u, 1400u}) {
      const std::vector<double> x = noisy_trace(static_cast<std::uint64_t>(w) * 131 + n, n);
      CenteredFilter<MovingQuantile> keeping(w, MovingQuantile(w, QuantileSpec::percentile(30)));
      CenteredFilter<ForgetfulQuantile> ringed(w, ForgetfulQuantile(w, QuantileSpec::percentile(30)));
      std::vector<double> a, b;
      for (double f : x) {
        if (const auto out = keeping.push(f)) a.push_back(*out);
        if (const auto out = ringed.push(f)) b.push_back(*out);
      }
      keeping.finish(a);
      ringed.finish(b);
      const auto expected = reference::scipy_rank_filter(x, w, reference::scipy_rank(w, false, 30));
      ASSERT_EQ(a.size(), x.size());
      ASSERT_EQ(b, a) << "w=" << w << " n=" << n;
      for (std::size_t t = 0; t < x.size(); ++t) ASSERT_EQ(a[t], expected[t]) << "w=" << w << " n=" << n << " t=" << t;
    }
  }
}

TEST(CenteredFilter, ItsOwnRingServesASecondTraceAfterClear) {
  for (std::int64_t w : {1, 2, 9, 100}) {
    CenteredFilter<ForgetfulQuantile> ringed(w, ForgetfulQuantile(w, QuantileSpec::median()));
    for (std::size_t n : {std::size_t{3} * static_cast<std::size_t>(w) + 5, std::size_t{7}, std::size_t{1}}) {
      // longer, then shorter than before
      ringed.clear();
      const std::vector<double> x = noisy_trace(static_cast<std::uint64_t>(w) + n, n);
      std::vector<double> out;
      for (double f : x) {
        if (const auto value = ringed.push(f)) out.push_back(*value);
      }
      ringed.finish(out);
      ASSERT_EQ(out, reference::scipy_rank_filter(x, w, reference::scipy_rank(w, false, 50)))
          << "w=" << w << " n=" << n;
    }
  }
}

TEST(CenteredFilter, RefusesAReducerHoldingFewerSamplesThanItsWindow) {
  EXPECT_THROW(CenteredFilter<MovingQuantile>(9, MovingQuantile(8, QuantileSpec::median())), Error);
  EXPECT_NO_THROW(CenteredFilter<MovingQuantile>(9, MovingQuantile(9, QuantileSpec::median())));
}

TEST(MovingExtremum, IsTheTrailingMinimumAndMaximumWhateverItsQueueHolds) {
  const std::size_t n = 700;
  std::vector<double> rising(n), falling(n), steps(n);
  for (std::size_t i = 0; i < n; ++i) {
    rising[i] = static_cast<double>(i);
    falling[i] = -static_cast<double>(i);
    steps[i] = static_cast<double>((i / 7) % 5) + (i % 97 == 0 ? std::nan("") : 0.0);
  }
  // NaN sorts above +inf, as in numpy.
  const auto key_of = [](double v) { return std::isnan(v) ? std::numeric_limits<double>::infinity() : v; };
  const auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  for (const std::vector<double>& x : {rising, falling, steps, noisy_trace(5, n)}) {
    for (std::int64_t w : {1, 2, 3, 16, 17, 64, 100, 1000}) {
      MovingMin low(w);
      MovingMax high(w);
      for (int pass = 0; pass < 2; ++pass) {  // the second after clear()
        for (std::size_t t = 0; t < n; ++t) {
          low.push(x[t]);
          high.push(x[t]);
          const auto window = reference::trailing_window(x, t, static_cast<std::size_t>(w));
          const auto by_key = [&](double a, double b) { return key_of(a) < key_of(b); };
          const double min = *std::min_element(window.begin(), window.end(), by_key);
          const double max = *std::max_element(window.begin(), window.end(), by_key);
          ASSERT_TRUE(same(low.value(), min)) << "w=" << w << " t=" << t << ": " << low.value() << " vs " << min;
          ASSERT_TRUE(same(high.value(), max)) << "w=" << w << " t=" << t << ": " << high.value() << " vs " << max;
          ASSERT_LE(low.capacity(), w);
          ASSERT_LE(high.capacity(), w);
        }
        low.clear();
        high.clear();
      }
    }
  }
}

TEST(MovingExtremum, TakesMemoryForTheEntriesItKeepsNotForItsWindow) {
  MovingMin low(1'000'000);
  MovingMax high(1'000'000);
  for (double f : noisy_trace(7, 5000)) {
    low.push(f);
    high.push(f);
  }
  EXPECT_LE(low.capacity(), 256);  // a rising trend keeps a few dozen in the minimum's queue
  EXPECT_LE(high.capacity(), 256);
  MovingMin rising(100);
  for (int i = 0; i < 1000; ++i) rising.push(i);
  EXPECT_EQ(rising.capacity(), 100) << "every sample of the window is kept, and no more room than that";
}

TEST(SampleRing, KeepsTheLastWindowSamplesInMemoryThatGrowsWithThem) {
  SampleRing ring(100);
  EXPECT_EQ(ring.capacity(), 0u);
  for (int i = 0; i < 20; ++i) ring.push(i);
  EXPECT_LT(ring.capacity(), 100u);
  for (int i = 20; i < 250; ++i) {
    ring.push(i);
    EXPECT_EQ(ring.recent(0), i);
    EXPECT_EQ(ring.at(i - std::min(i, 99)), i - std::min(i, 99));
  }
  EXPECT_EQ(ring.capacity(), 100u);
  EXPECT_EQ(ring.pushed(), 250);
  for (std::int64_t age = 0; age < 100; ++age) EXPECT_EQ(ring.recent(age), 249.0 - static_cast<double>(age));
  ring.clear();
  EXPECT_EQ(ring.pushed(), 0);
  for (int i = 0; i < 3; ++i) ring.push(-i);
  EXPECT_EQ(ring.recent(0), -2.0);
  EXPECT_EQ(ring.at(0), 0.0);
  EXPECT_EQ(ring.capacity(), 100u) << "clear() keeps the slots";
}

TEST(DeltaF, IsNumpysRatioAndNaNWhenTheBaselineIsNotPositive) {
  EXPECT_EQ(delta_f_over_f(150.0, 100.0), (150.0 - 100.0) / 100.0);
  EXPECT_EQ(delta_f(150.0, 100.0), 50.0);
  EXPECT_TRUE(std::isnan(delta_f_over_f(5.0, 0.0)));
  EXPECT_TRUE(std::isnan(delta_f_over_f(5.0, -2.0)));
  EXPECT_TRUE(std::isnan(delta_f_over_f(5.0, std::nan(""))));
}

TEST(ReflectIndex, MirrorsLikeScipyWithPeriodTwiceTheLength) {
  // scipy's extension of [0, 1, 2] read from -6 to 8: 0 1 2 2 1 0 | 0 1 2 | 2 1 0 0 1 2
  const std::vector<std::int64_t> expected = {0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2};
  for (std::int64_t i = -6; i <= 8; ++i) EXPECT_EQ(reflect_index(i, 3), expected[static_cast<std::size_t>(i + 6)]);
}

}  // namespace
}  // namespace calmon
