// pipeline_test.cc — the pipeline wires extraction, neuropil, baselines and settled rows
// together exactly as its parts compute them alone, and rejects what makes no sense.
#include "core/pipeline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <thread>

#include "core/moving_quantile.h"
#include "core/region_mean.h"
#include "reference_filters.h"
#include "test_support.h"

namespace calmon {
namespace {

constexpr FrameShape kShape{16, 12};

// A small random uint16 movie, one vector per frame.
std::vector<std::vector<std::uint16_t>> random_movie(int frames, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(100, 900);
  std::vector<std::vector<std::uint16_t>> movie(static_cast<std::size_t>(frames));
  for (auto& frame : movie) {
    frame.resize(kShape.pixel_count());
    for (auto& p : frame) p = static_cast<std::uint16_t>(value(rng));
  }
  return movie;
}

RoiSettings roi(std::string name, Region region, NeuropilSettings neuropil = {}, BaselineSettings baseline = {}) {
  return RoiSettings{std::move(name), std::move(region), std::move(neuropil), baseline};
}

NeuropilSettings pixel_neuropil(int x, int y, double r) {
  NeuropilSettings n;
  n.source = NeuropilSettings::Source::kRegion;
  n.region = Region::pixel(x, y);
  n.r = r;
  return n;
}

BaselineSettings moving_median(std::int64_t w) {
  BaselineSettings b;
  b.kind = BaselineSettings::Kind::kMovingQuantile;
  b.window = w;
  return b;
}

PipelineSettings settings_with(std::vector<RoiSettings> rois) {
  PipelineSettings s;
  s.rois = std::move(rois);
  return s;
}

TEST(Pipeline, CorrectsForNeuropilAndTracksTheTrailingMedianLikeTheNotebook) {
  const auto movie = random_movie(60, 1);
  Pipeline pipeline(settings_with({roi("cell", Region::pixel(3, 4), pixel_neuropil(3, 8, 0.1), moving_median(7))}),
                    kShape, PixelType::kU16);
  std::vector<double> fcorr;
  for (std::size_t t = 0; t < movie.size(); ++t) {
    const FrameResult& r = pipeline.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
    const double cell = movie[t][4 * 16 + 3];
    const double neuropil = movie[t][8 * 16 + 3];
    EXPECT_EQ(r.frame, static_cast<std::int64_t>(t));
    EXPECT_EQ(r.f[0], cell);
    EXPECT_EQ(r.fneu[0], neuropil);
    EXPECT_EQ(r.fcorr[0], cell - 0.1 * neuropil);
    fcorr.push_back(r.fcorr[0]);
    EXPECT_EQ(r.f0[0], reference::numpy_median(reference::trailing_window(fcorr, t, 7)));
    EXPECT_EQ(r.dff[0], (r.fcorr[0] - r.f0[0]) / r.f0[0]);
    EXPECT_EQ(r.flags[0], 0);
  }
}

TEST(Pipeline, HandsOutSettledRowsInFrameOrderOnceEveryRoiHasSettled) {
  const auto movie = random_movie(50, 2);
  Pipeline pipeline(settings_with({roi("short", Region::pixel(1, 1), {}, moving_median(3)),
                                   roi("long", Region::rect({2, 6, 2, 5}), {}, moving_median(21))}),
                    kShape, PixelType::kU16);
  EXPECT_EQ(pipeline.settled_lag(), 10);
  std::vector<std::vector<double>> f(2);
  std::vector<SettledRow> rows;
  SettledRow row;
  for (std::size_t t = 0; t < movie.size(); ++t) {
    const FrameResult& r = pipeline.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
    f[0].push_back(r.fcorr[0]);
    f[1].push_back(r.fcorr[1]);
    while (pipeline.pop_settled(row)) rows.push_back(row);
    // The slowest ROI (window 21) sets the pace: frame t - 10 settles with frame t.
    EXPECT_EQ(rows.size(), t >= 10 ? t - 9 : 0u) << "t=" << t;
  }
  pipeline.finish();
  while (pipeline.pop_settled(row)) rows.push_back(row);
  ASSERT_EQ(rows.size(), movie.size());
  const auto short_f0 = reference::scipy_rank_filter(f[0], 3, 1);
  const auto long_f0 = reference::scipy_rank_filter(f[1], 21, 10);
  for (std::size_t t = 0; t < rows.size(); ++t) {
    EXPECT_EQ(rows[t].frame, static_cast<std::int64_t>(t));
    EXPECT_EQ(rows[t].f0[0], short_f0[t]);
    EXPECT_EQ(rows[t].f0[1], long_f0[t]);
    EXPECT_EQ(rows[t].dff[1], (f[1][t] - long_f0[t]) / long_f0[t]);
  }
}

TEST(Pipeline, GlobalNeuropilUsesTheWholeFramesStatistic) {
  const auto movie = random_movie(5, 3);
  NeuropilSettings global;
  global.source = NeuropilSettings::Source::kGlobalMedian;
  global.r = 1.0;
  Pipeline pipeline(settings_with({roi("cell", Region::pixel(0, 0), global)}), kShape, PixelType::kU16);
  for (const auto& frame : movie) {
    const FrameResult& r = pipeline.push(FrameView<std::uint16_t>(frame.data(), kShape));
    std::vector<double> all(frame.begin(), frame.end());
    ASSERT_TRUE(r.global.has_value());
    EXPECT_EQ(r.fneu[0], reference::numpy_median(all));
    EXPECT_EQ(r.fneu[0], r.global->median);
    EXPECT_EQ(r.fcorr[0], frame[0] - 1.0 * r.global->median);
  }
}

TEST(Pipeline, ANonPositiveBaselineGivesNaNAndAFlagNotACrash) {
  const auto movie = random_movie(20, 4);
  // Subtracting three times a brighter neuropil drives Fcorr and its median below zero.
  Pipeline pipeline(settings_with({roi("dim", Region::pixel(2, 2), pixel_neuropil(5, 5, 3.0), moving_median(5))}),
                    kShape, PixelType::kU16);
  bool flagged = false;
  for (const auto& frame : movie) {
    const FrameResult& r = pipeline.push(FrameView<std::uint16_t>(frame.data(), kShape));
    if (r.f0[0] <= 0) {
      EXPECT_TRUE(std::isnan(r.dff[0]));
      EXPECT_TRUE(r.flags[0] & kFlagBaselineNotPositive);
      flagged = true;
    } else {
      EXPECT_FALSE(r.flags[0] & kFlagBaselineNotPositive);
    }
  }
  EXPECT_TRUE(flagged);
  pipeline.finish();
  SettledRow row;
  while (pipeline.pop_settled(row)) {
    EXPECT_EQ(std::isnan(row.dff[0]), row.f0[0] <= 0);
    EXPECT_EQ((row.flags[0] & kFlagBaselineNotPositive) != 0, row.f0[0] <= 0);
  }
}

TEST(Pipeline, NonFinitePixelsFlagTheRoisThatAverageThem) {
  std::vector<float> frame(kShape.pixel_count(), 100.0f);
  frame[3 * 16 + 3] = std::numeric_limits<float>::quiet_NaN();
  Pipeline pipeline(settings_with({roi("hit", Region::rect({2, 5, 2, 5})), roi("clean", Region::pixel(10, 10))}),
                    kShape, PixelType::kF32);
  const FrameResult& r = pipeline.push(FrameView<float>(frame.data(), kShape));
  EXPECT_TRUE(r.flags[0] & kFlagNonFinitePixels);
  EXPECT_FALSE(r.flags[1] & kFlagNonFinitePixels);
  EXPECT_EQ(r.f[1], 100.0);
}

TEST(Pipeline, RingNeuropilAvoidsEveryRoi) {
  NeuropilSettings ring;
  ring.source = NeuropilSettings::Source::kRing;
  ring.ring = RingParams{1, 20};
  Pipeline pipeline(settings_with({roi("a", Region::rect({4, 7, 4, 7}), ring), roi("b", Region::rect({9, 11, 4, 7}))}),
                    kShape, PixelType::kU16);
  ASSERT_TRUE(pipeline.neuropil_region(0).has_value());
  EXPECT_FALSE(pipeline.neuropil_region(1).has_value());
  const auto pixels = pipeline.neuropil_region(0)->pixels();
  EXPECT_GE(pixels.size(), 20u);
  for (const WeightedPixel& p : pixels) {
    EXPECT_FALSE(p.x >= 4 && p.x < 7 && p.y >= 4 && p.y < 7);
    EXPECT_FALSE(p.x >= 9 && p.x < 11 && p.y >= 4 && p.y < 7) << p.x << "," << p.y;
  }
}

// Integer frames take RegionSums for unit-weight regions and RegionMean for weighted
// ones; either way F and Fneu are each region's RegionMean, also after replace_rois.
TEST(Pipeline, ExtractsEveryRegionKindLikeRegionMeanForEveryPixelType) {
  NeuropilSettings ring;
  ring.source = NeuropilSettings::Source::kRing;
  ring.ring = RingParams{1, 20};
  NeuropilSettings weighted_neuropil;
  weighted_neuropil.source = NeuropilSettings::Source::kRegion;
  weighted_neuropil.region = Region::mask({{0, 0, 0.25}, {1, 0, 2.0}, {15, 11, 1.0}});
  NeuropilSettings unit_neuropil;
  unit_neuropil.source = NeuropilSettings::Source::kRegion;
  unit_neuropil.region = Region::mask({{14, 0, 1.0}, {0, 11, 1.0}, {15, 0, 1.0}});
  NeuropilSettings global;
  global.source = NeuropilSettings::Source::kGlobalMean;
  const std::vector<RoiSettings> first = {
      roi("rect", Region::rect({4, 7, 4, 7}), ring),
      roi("unit mask", Region::mask({{9, 4, 1.0}, {10, 4, 1.0}, {9, 6, 1.0}}), weighted_neuropil),
      roi("weighted", Region::mask({{12, 8, 0.5}, {13, 8, 1.5}}), unit_neuropil),
      roi("pixel", Region::pixel(2, 10), global)};
  const std::vector<RoiSettings> second = {roi("wide", Region::rect({0, 16, 7, 12})),
                                           roi("ringed", Region::rect({0, 3, 0, 3}), ring)};
  const auto check = [&](auto tag) {
    using T = typename decltype(tag)::type;
    Pipeline pipeline(settings_with(first), kShape, pixel_type_of<T>);
    for (int t = 0; t < 6; ++t) {
      if (t == 3) pipeline.replace_rois(second);
      const std::vector<T> pixels = test::random_pixels_full_range<T>(kShape.pixel_count(), t, -50.0, 900.0);
      const FrameView<T> frame(pixels.data(), kShape);
      const FrameResult& r = pipeline.push(frame);
      const std::vector<RoiSettings>& rois = t < 3 ? first : second;
      ASSERT_EQ(r.f.size(), rois.size());
      for (std::size_t i = 0; i < rois.size(); ++i) {
        const std::string what =
            std::string(pixel_type_name(pixel_type_of<T>)) + " frame " + std::to_string(t) + " " + rois[i].name;
        EXPECT_EQ(r.f[i], RegionMean(rois[i].region, kShape)(frame)) << what;
        if (const auto& neuropil = pipeline.neuropil_region(i)) {
          EXPECT_EQ(r.fneu[i], RegionMean(*neuropil, kShape)(frame)) << what;
        }
      }
    }
  };
  for (PixelType type :
       {PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32, PixelType::kF32, PixelType::kF64}) {
    dispatch_pixel_type(type, check);
  }
}

TEST(Pipeline, RejectsAFrameOfAnotherShapeOrType) {
  Pipeline pipeline(settings_with({roi("cell", Region::pixel(1, 1))}), kShape, PixelType::kU16);
  std::vector<std::uint16_t> small(8 * 8, 0);
  EXPECT_THROW(pipeline.push(FrameView<std::uint16_t>(small.data(), {8, 8})), Error);
  std::vector<float> floats(kShape.pixel_count(), 0.0f);
  EXPECT_THROW(pipeline.push(FrameView<float>(floats.data(), kShape)), Error);
}

void expect_error(const PipelineSettings& settings, const std::string& message) {
  try {
    Pipeline pipeline(settings, kShape, PixelType::kU16);
    FAIL() << "expected: " << message;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(Pipeline, RejectsRoisThatMakeNoSense) {
  expect_error(settings_with({roi("cell1", Region::rect({15, 95, 2, 5}))}),
               "ROI 'cell1': rectangle x 15:95, y 2:5 is outside the 16x12 frame");
  expect_error(settings_with({roi("a", Region::pixel(1, 1)), roi("a", Region::pixel(2, 2))}),
               "ROI name 'a' is used twice");
  expect_error(settings_with({roi("a", Region::pixel(1, 1), pixel_neuropil(1, 40, 0.7))}),
               "neuropil of ROI 'a': pixel (1, 40) is outside the 16x12 frame");
  expect_error(settings_with({roi("a", Region::pixel(1, 1), pixel_neuropil(1, 2, -0.5))}),
               "ROI 'a': neuropil factor r = -0.5 must be finite and >= 0");
  expect_error(settings_with({roi("a", Region::pixel(1, 1), {}, moving_median(0))}),
               "ROI 'a': baseline window 0 is below 1");
}

TEST(Pipeline, ReplacingTheRoiSetSettlesTheOldSetAndStartsTheNewOneAtTheNextFrame) {
  const auto movie = random_movie(40, 5);
  Pipeline pipeline(settings_with({roi("old", Region::pixel(1, 1), {}, moving_median(9))}), kShape, PixelType::kU16);
  std::vector<double> old_f, new_f;
  std::vector<SettledRow> rows;
  SettledRow row;
  for (std::size_t t = 0; t < movie.size(); ++t) {
    if (t == 25) {
      pipeline.replace_rois({roi("new", Region::pixel(2, 3), {}, moving_median(5)),
                             roi("other", Region::rect({0, 4, 0, 4}), {}, moving_median(3))});
      EXPECT_EQ(pipeline.roi_set_version(), 1u);
      EXPECT_EQ(pipeline.roi_count(), 2u);
    }
    const FrameResult& r = pipeline.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
    EXPECT_EQ(r.roi_set_version, t < 25 ? 0u : 1u);
    (t < 25 ? old_f : new_f).push_back(r.fcorr[0]);
    while (pipeline.pop_settled(row)) rows.push_back(row);
  }
  pipeline.finish();
  while (pipeline.pop_settled(row)) rows.push_back(row);
  ASSERT_EQ(rows.size(), movie.size());
  // Each set settles as if its frames were a whole stream of their own.
  const auto old_f0 = reference::scipy_rank_filter(old_f, 9, 4);
  const auto new_f0 = reference::scipy_rank_filter(new_f, 5, 2);
  for (std::size_t t = 0; t < rows.size(); ++t) {
    EXPECT_EQ(rows[t].frame, static_cast<std::int64_t>(t));
    if (t < 25) {
      EXPECT_EQ(rows[t].roi_set_version, 0u);
      ASSERT_EQ(rows[t].f0.size(), 1u);
      EXPECT_EQ(rows[t].f0[0], old_f0[t]);
    } else {
      EXPECT_EQ(rows[t].roi_set_version, 1u);
      ASSERT_EQ(rows[t].f0.size(), 2u);
      EXPECT_EQ(rows[t].f0[0], new_f0[t - 25]);
    }
  }
}

TEST(Pipeline, ASetPreparedOnAnotherThreadWhileFramesArePushedEqualsAReplacedOne) {
  const auto movie = random_movie(40, 7);
  const PipelineSettings first = settings_with({roi("old", Region::pixel(1, 1), {}, moving_median(9))});
  NeuropilSettings ring;
  ring.source = NeuropilSettings::Source::kRing;
  ring.ring.min_pixels = 20;
  const std::vector<RoiSettings> second{roi("new", Region::rect({2, 5, 3, 6}), ring, moving_median(5)),
                                        roi("other", Region::pixel(9, 9), {}, moving_median(3))};
  Pipeline replaced(first, kShape, PixelType::kU16);
  Pipeline installed(first, kShape, PixelType::kU16);
  std::optional<Pipeline::PreparedRois> prepared;
  std::thread preparing([&] { prepared.emplace(Pipeline::prepare_rois(second, kShape, PixelType::kU16)); });
  for (std::size_t t = 0; t < 20; ++t) {  // frames go on while the set compiles
    installed.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
  }
  preparing.join();
  ASSERT_TRUE(prepared);
  EXPECT_EQ(prepared->rois().size(), 2u);
  ASSERT_TRUE(prepared->neuropil_region(0));
  EXPECT_GE(prepared->neuropil_region(0)->pixel_count(), 20u);
  EXPECT_EQ(prepared->settled_lag(), 2);
  for (std::size_t t = 0; t < 20; ++t) replaced.push(FrameView<std::uint16_t>(movie[t].data(), kShape));
  replaced.replace_rois(second);
  installed.install_rois(std::move(*prepared));
  EXPECT_EQ(installed.roi_set_version(), 1u);
  EXPECT_EQ(installed.neuropil_region(0)->pixels(), replaced.neuropil_region(0)->pixels());

  SettledRow a, b;
  for (std::size_t t = 20; t < movie.size(); ++t) {
    const FrameView<std::uint16_t> frame(movie[t].data(), kShape);
    const FrameResult expected = replaced.push(frame);
    const FrameResult& actual = installed.push(frame);
    EXPECT_EQ(actual.f, expected.f);
    EXPECT_EQ(actual.fneu, expected.fneu);
    EXPECT_EQ(actual.f0, expected.f0);
    EXPECT_EQ(actual.roi_set_version, expected.roi_set_version);
  }
  replaced.finish();
  installed.finish();
  std::size_t rows = 0;
  while (replaced.pop_settled(a)) {
    ASSERT_TRUE(installed.pop_settled(b));
    EXPECT_EQ(b.frame, a.frame);
    EXPECT_EQ(b.roi_set_version, a.roi_set_version);
    EXPECT_EQ(b.f0, a.f0);
    EXPECT_EQ(b.flags, a.flags);
    ++rows;
  }
  EXPECT_FALSE(installed.pop_settled(b));
  EXPECT_EQ(rows, movie.size());
}

TEST(Pipeline, APreparedSetFitsOnlyItsGeometry) {
  Pipeline pipeline(settings_with({roi("kept", Region::pixel(1, 1))}), kShape, PixelType::kU16);
  const std::vector<RoiSettings> rois{roi("a", Region::pixel(2, 2))};
  EXPECT_THROW(pipeline.install_rois(Pipeline::prepare_rois(rois, FrameShape{20, 12}, PixelType::kU16)), Error);
  EXPECT_THROW(pipeline.install_rois(Pipeline::prepare_rois(rois, kShape, PixelType::kU8)), Error);
  EXPECT_EQ(pipeline.roi_set_version(), 0u);
  EXPECT_EQ(pipeline.settings().rois[0].name, "kept");
  EXPECT_THROW(Pipeline::prepare_rois({roi("far", Region::pixel(100, 1))}, kShape, PixelType::kU16), Error);
  pipeline.install_rois(Pipeline::prepare_rois(rois, kShape, PixelType::kU16));
  EXPECT_EQ(pipeline.settings().rois[0].name, "a");
}

TEST(Pipeline, ARoiSetThatMakesNoSenseIsRefusedAndTheCurrentOneKept) {
  Pipeline pipeline(settings_with({roi("kept", Region::pixel(1, 1))}), kShape, PixelType::kU16);
  EXPECT_THROW(pipeline.replace_rois({roi("far", Region::pixel(100, 1))}), Error);
  EXPECT_EQ(pipeline.roi_set_version(), 0u);
  ASSERT_EQ(pipeline.roi_count(), 1u);
  EXPECT_EQ(pipeline.settings().rois[0].name, "kept");
}

}  // namespace
}  // namespace calmon
