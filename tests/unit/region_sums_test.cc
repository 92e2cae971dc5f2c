// RegionSums: many unit-weight regions' means in an integer frame, bit for bit those of
// RegionMean (numpy's integer means), with either strategy.
#include "core/region_sums.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/neuropil_ring.h"
#include "core/region_mean.h"
#include "test_support.h"

namespace calmon {
namespace {

using Strategy = RegionSums::Strategy;
constexpr Strategy kStrategies[] = {Strategy::kSpans, Strategy::kRowPrefixSums, Strategy::kAuto};

std::string strategy_name(Strategy strategy) {
  switch (strategy) {
    case Strategy::kAuto: return "auto";
    case Strategy::kSpans: return "spans";
    case Strategy::kRowPrefixSums: return "row prefix sums";
  }
  return "?";
}

std::vector<const Region*> pointers(const std::vector<Region>& regions) {
  std::vector<const Region*> out;
  for (const Region& region : regions) out.push_back(&region);
  return out;
}

// Expects every strategy's means to equal each region's RegionMean exactly.
template <class T>
void expect_region_means(const std::vector<Region>& regions, FrameShape shape, const std::vector<T>& pixels,
                         const std::string& what) {
  const FrameView<T> frame(pixels.data(), shape);
  for (Strategy strategy : kStrategies) {
    RegionSums sums(pointers(regions), shape, strategy);
    ASSERT_EQ(sums.size(), regions.size());
    if (strategy != Strategy::kAuto) {
      EXPECT_EQ(sums.strategy(), strategy);
    }
    const std::vector<double>& means = sums.means(frame);
    ASSERT_EQ(means.size(), regions.size());
    for (std::size_t i = 0; i < regions.size(); ++i) {
      EXPECT_EQ(means[i], RegionMean(regions[i], shape)(frame))
          << what << ", " << strategy_name(strategy) << ", region " << i << ": " << regions[i].describe();
    }
  }
}

// Random unit-weight regions of every kind: pixels, rectangles (some on the frame's
// edges, a whole row, a whole column, the whole frame), masks of scattered pixels listed
// in any order, and neuropil rings cut by the other regions.
std::vector<Region> random_regions(FrameShape shape, unsigned seed) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int w = shape.width;
  const int h = shape.height;
  std::vector<Region> regions = {Region::pixel(0, 0),
                                 Region::pixel(w - 1, h - 1),
                                 Region::pixel(w - 1, 0),
                                 Region::rect(Rect::whole(shape)),
                                 Region::rect({0, w, h - 1, h}),
                                 Region::rect({w - 1, w, 0, h}),
                                 Region::rect({0, std::min(3, w), std::max(0, h - 2), h})};
  for (int i = 0; i < 30; ++i) {
    const int x0 = uniform(0, w - 1), y0 = uniform(0, h - 1);
    regions.push_back(Region::rect({x0, uniform(x0 + 1, w), y0, uniform(y0 + 1, h)}));
    regions.push_back(Region::pixel(uniform(0, w - 1), uniform(0, h - 1)));
  }
  for (int i = 0; i < 10; ++i) {
    std::vector<WeightedPixel> mask;
    const int density = uniform(1, 9);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        if (uniform(0, 9) < density) mask.push_back({x, y, 1.0});
      }
    }
    if (mask.empty()) mask.push_back({0, 0, 1.0});
    std::shuffle(mask.begin(), mask.end(), rng);
    regions.push_back(Region::mask(std::move(mask)));
  }
  const std::size_t rois = regions.size();
  const RoiOccupancy occupancy(std::vector<Region>(regions.begin() + 8, regions.begin() + 20), shape);
  for (std::size_t i = 8; i < 20 && i < rois; ++i) {
    try {
      regions.push_back(neuropil_ring(regions[i], occupancy, shape, RingParams{1, 40}));
    } catch (const Error&) {
      // no free pixel left in a tiny frame: no ring
    }
  }
  return regions;
}

template <class T> class RegionSumsTyped : public ::testing::Test {};
using IntegerPixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t>;
TYPED_TEST_SUITE(RegionSumsTyped, IntegerPixelTypes);

TYPED_TEST(RegionSumsTyped, RandomRegionsEqualRegionMeanBitForBit) {
  using T = TypeParam;
  for (FrameShape shape : {FrameShape{64, 48}, FrameShape{1, 20}, FrameShape{37, 1}, FrameShape{5, 7}}) {
    for (unsigned seed = 0; seed < 4; ++seed) {
      const std::vector<Region> regions = random_regions(shape, seed);
      const std::vector<T> pixels = test::random_pixels_full_range<T>(shape.pixel_count(), seed + 100, 0, 0);
      expect_region_means(
          regions, shape, pixels,
          std::to_string(shape.width) + "x" + std::to_string(shape.height) + " seed " + std::to_string(seed));
    }
  }
}

TYPED_TEST(RegionSumsTyped, ExtremePixelValuesSumExactly) {
  using T = TypeParam;
  const FrameShape shape{300, 20};
  const std::vector<Region> regions = random_regions(shape, 7);
  for (T value : {std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest(), T(1)}) {
    std::vector<T> pixels(shape.pixel_count(), value);
    expect_region_means(regions, shape, pixels, "all " + std::to_string(+value));
    for (std::size_t i = 0; i < pixels.size(); i += 3) pixels[i] = std::numeric_limits<T>::lowest();
    expect_region_means(regions, shape, pixels, "mixed with lowest");
  }
  std::vector<T> pattern(shape.pixel_count());
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = test::pattern_value<T>(i, 3);
  expect_region_means(regions, shape, pattern, "pattern");
}

// 32-bit running sums of 16-bit pixels must hold whole rows of the widest frame allowed.
TYPED_TEST(RegionSumsTyped, RowsOf65536ExtremePixelsSumExactly) {
  using T = TypeParam;
  const FrameShape shape{65536, 2};
  const std::vector<Region> regions = {Region::rect(Rect::whole(shape)),   Region::rect({0, 65536, 1, 2}),
                                       Region::rect({1, 65536, 0, 1}),     Region::rect({0, 65535, 0, 2}),
                                       Region::rect({30000, 40000, 0, 2}), Region::pixel(65535, 1)};
  for (T value : {std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest()}) {
    const std::vector<T> pixels(shape.pixel_count(), value);
    expect_region_means(regions, shape, pixels, "all " + std::to_string(+value));
  }
  std::vector<T> alternating(shape.pixel_count());
  for (std::size_t i = 0; i < alternating.size(); ++i) {
    alternating[i] = i % 2 ? std::numeric_limits<T>::max() : std::numeric_limits<T>::lowest();
  }
  expect_region_means(regions, shape, alternating, "alternating");
}

TYPED_TEST(RegionSumsTyped, MeansFollowEachFrame) {
  using T = TypeParam;
  const FrameShape shape{40, 30};
  const std::vector<Region> regions = random_regions(shape, 11);
  for (Strategy strategy : kStrategies) {
    RegionSums sums(pointers(regions), shape, strategy);
    for (unsigned t = 0; t < 3; ++t) {
      const std::vector<T> pixels = test::random_pixels_full_range<T>(shape.pixel_count(), t, 0, 0);
      const FrameView<T> frame(pixels.data(), shape);
      const std::vector<double>& means = sums.means(frame);
      for (std::size_t i = 0; i < regions.size(); ++i) {
        EXPECT_EQ(means[i], RegionMean(regions[i], shape)(frame)) << strategy_name(strategy) << " frame " << t;
      }
    }
  }
}

TEST(RegionSums, RegionsOnAFewRowsLeaveTheOthersUnscanned) {
  const FrameShape shape{50, 40};
  const std::vector<Region> regions = {Region::rect({3, 9, 10, 12}), Region::pixel(49, 39),
                                       Region::mask({{1, 20, 1.0}, {5, 20, 1.0}, {6, 20, 1.0}, {2, 25, 1.0}})};
  const std::vector<std::uint16_t> pixels = test::random_pixels<std::uint16_t>(shape.pixel_count(), 3, 0, 65535);
  expect_region_means(regions, shape, pixels, "few rows");
}

TEST(RegionSums, NoRegionsGiveNoMeans) {
  const FrameShape shape{8, 6};
  const std::vector<std::uint8_t> pixels(shape.pixel_count(), 7);
  for (Strategy strategy : kStrategies) {
    RegionSums sums({}, shape, strategy);
    EXPECT_EQ(sums.size(), 0u);
    EXPECT_EQ(sums.span_count(), 0u);
    EXPECT_TRUE(sums.means(FrameView<std::uint8_t>(pixels.data(), shape)).empty());
  }
}

TEST(RegionSums, CountsSpansAndPixels) {
  const FrameShape shape{20, 10};
  const std::vector<Region> regions = {Region::rect({2, 5, 1, 4}), Region::pixel(0, 0),
                                       Region::mask({{3, 3, 1.0}, {1, 3, 1.0}, {2, 3, 1.0}, {5, 3, 1.0}, {0, 4, 1.0}})};
  const RegionSums sums(pointers(regions), shape);
  EXPECT_EQ(sums.span_count(), 3u + 1u + 3u);
  EXPECT_EQ(sums.pixel_count(), 9u + 1u + 5u);
}

TEST(RegionSums, CostModelSumsSmallRegionsDirectlyAndManyLargeOnesByPrefixSums) {
  const FrameShape shape{512, 512};
  const std::vector<Region> small = {Region::rect({10, 22, 10, 22})};
  EXPECT_EQ(RegionSums(pointers(small), shape).strategy(), Strategy::kSpans);
  const std::vector<Region> large(20, Region::rect(Rect::whole(shape)));
  EXPECT_EQ(RegionSums(pointers(large), shape).strategy(), Strategy::kRowPrefixSums);
}

TEST(RegionSums, RowsWiderThan65536AreSummedBySpans) {
  const FrameShape shape{65537, 1};
  const std::vector<Region> regions(20, Region::rect(Rect::whole(shape)));
  EXPECT_EQ(RegionSums(pointers(regions), shape).strategy(), Strategy::kSpans);
  EXPECT_THROW(RegionSums(pointers(regions), shape, Strategy::kRowPrefixSums), Error);
  const std::vector<std::uint16_t> pixels(shape.pixel_count(), 65535);
  RegionSums sums(pointers(regions), shape);
  EXPECT_EQ(sums.means(FrameView<std::uint16_t>(pixels.data(), shape))[0], 65535.0);
}

TEST(RegionSums, SupportsIntegerPixelsOnFramesWith32BitOffsets) {
  const FrameShape shape{512, 512};
  for (PixelType type : {PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32}) {
    EXPECT_TRUE(RegionSums::supports(type, shape)) << pixel_type_name(type);
  }
  EXPECT_FALSE(RegionSums::supports(PixelType::kF32, shape));
  EXPECT_FALSE(RegionSums::supports(PixelType::kF64, shape));
  EXPECT_TRUE(RegionSums::supports(PixelType::kU16, FrameShape{65535, 65535}));
  EXPECT_FALSE(RegionSums::supports(PixelType::kU16, FrameShape{65536, 65536}));
}

TEST(RegionSums, RefusesWeightedMasks) {
  const std::vector<Region> regions = {Region::pixel(1, 1), Region::mask({{1, 1, 0.5}, {2, 1, 1.0}})};
  try {
    RegionSums sums(pointers(regions), FrameShape{8, 8});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "region sums: mask of 2 pixels has weights");
  }
}

TEST(RegionSums, FrameOfAnotherShapeIsRejected) {
  const std::vector<Region> regions = {Region::pixel(1, 1)};
  RegionSums sums(pointers(regions), FrameShape{80, 60});
  const std::vector<std::uint16_t> pixels(64 * 64);
  try {
    sums.means(FrameView<std::uint16_t>(pixels.data(), FrameShape{64, 64}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "region sums: frame is 64x64 but the regions were compiled for 80x60");
  }
}

}  // namespace
}  // namespace calmon
