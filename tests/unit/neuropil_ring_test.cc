// neuropil_ring: the Suite2p-like surround, checked against a brute-force definition.
#include "core/neuropil_ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"

namespace calmon {
namespace {

// The definition, by brute force over the whole frame: d = Chebyshev distance to the
// nearest ROI pixel; the ring of width k is gap < d <= gap + k minus every ROI pixel; the
// smallest k with >= min_pixels pixels, else every such pixel in the frame.
std::vector<WeightedPixel> brute_force_ring(const Region& roi, const std::vector<Region>& all, FrameShape shape,
                                            RingParams params) {
  const std::vector<WeightedPixel> roi_pixels = roi.pixels();
  std::vector<char> occupied(shape.pixel_count(), 0);
  for (const Region& r : all) {
    for (const WeightedPixel& p : r.pixels()) occupied[p.y * shape.width + p.x] = 1;
  }
  std::vector<int> distance(shape.pixel_count(), std::numeric_limits<int>::max());
  for (int y = 0; y < shape.height; ++y) {
    for (int x = 0; x < shape.width; ++x) {
      for (const WeightedPixel& p : roi_pixels) {
        const int d = std::max(std::abs(x - p.x), std::abs(y - p.y));
        distance[y * shape.width + x] = std::min(distance[y * shape.width + x], d);
      }
    }
  }
  auto ring_of_outer = [&](long long outer) {
    std::vector<WeightedPixel> ring;
    for (int y = 0; y < shape.height; ++y) {
      for (int x = 0; x < shape.width; ++x) {
        const int d = distance[y * shape.width + x];
        if (!occupied[y * shape.width + x] && d > params.inner_gap && d <= outer) ring.push_back({x, y, 1.0});
      }
    }
    return ring;
  };
  const int largest = *std::max_element(distance.begin(), distance.end());
  for (long long k = 1; params.inner_gap + k <= largest; ++k) {
    std::vector<WeightedPixel> ring = ring_of_outer(params.inner_gap + k);
    if (static_cast<int>(ring.size()) >= params.min_pixels) return ring;
  }
  return ring_of_outer(largest);
}

std::string ring_error(const Region& roi, const std::vector<Region>& all, FrameShape shape, RingParams params) {
  try {
    neuropil_ring(roi, all, shape, params);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(NeuropilRing, RingAroundLoneRectangleIsTheSmallestSquareAnnulusWithEnoughPixels) {
  const FrameShape shape{100, 100};
  const Region roi = Region::rect(Rect{45, 55, 45, 55});
  const Region ring = neuropil_ring(roi, std::vector<Region>{roi}, shape, RingParams{2, 350});
  // Width k around the 14x14 box at gap 2: (14 + 2k)^2 - 196 = 60, 128, 204, 288, 380 pixels.
  EXPECT_EQ(ring.kind(), Region::Kind::kMask);
  EXPECT_EQ(ring.pixel_count(), 380u);
  EXPECT_EQ(ring.rect(), (Rect{38, 62, 38, 62}));
  EXPECT_TRUE(ring.unit_weights());
  EXPECT_NO_THROW(ring.validate(shape, "ring"));
}

TEST(NeuropilRing, PixelsAreRowMajor) {
  const FrameShape shape{60, 50};
  const Region roi = Region::pixel(30, 20);
  const std::vector<WeightedPixel> ring =
      neuropil_ring(roi, std::vector<Region>{roi}, shape, RingParams{1, 50}).pixels();
  EXPECT_TRUE(std::is_sorted(ring.begin(), ring.end(), [](const WeightedPixel& a, const WeightedPixel& b) {
    return a.y != b.y ? a.y < b.y : a.x < b.x;
  }));
}

TEST(NeuropilRing, ExcludesThePixelsOfEveryRoi) {
  const FrameShape shape{80, 60};
  const Region cell = Region::rect(Rect{15, 35, 20, 35});
  const Region neighbour = Region::rect(Rect{36, 50, 20, 35});
  const Region blob = Region::mask({{10, 10, 1.0}, {11, 10, 1.0}, {10, 11, 0.5}});
  const std::vector<Region> all = {cell, neighbour, blob};
  const Region ring = neuropil_ring(cell, all, shape, RingParams{});
  for (const WeightedPixel& p : ring.pixels()) {
    EXPECT_FALSE(neighbour.rect().contains(p.x, p.y));
    EXPECT_FALSE(p.x == 10 && p.y == 10);
  }
  EXPECT_EQ(ring.pixels(), brute_force_ring(cell, all, shape, RingParams{}));
}

TEST(NeuropilRing, TakesEveryFreePixelWhenTheFrameHasTooFew) {
  const FrameShape shape{12, 10};
  const Region roi = Region::rect(Rect{4, 7, 3, 6});
  const Region ring = neuropil_ring(roi, std::vector<Region>{roi}, shape, RingParams{1, 1000});
  // Every pixel at distance > 1: the frame minus the 5x5 box around the ROI.
  EXPECT_EQ(ring.pixel_count(), 12u * 10u - 25u);
}

TEST(NeuropilRing, MatchesTheBruteForceDefinitionOnRandomLayouts) {
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 300; ++trial) {
    const FrameShape shape{10 + static_cast<int>(rng() % 50), 8 + static_cast<int>(rng() % 40)};
    auto random_region = [&]() -> Region {
      const int kind = static_cast<int>(rng() % 3);
      const int x = static_cast<int>(rng() % shape.width);
      const int y = static_cast<int>(rng() % shape.height);
      if (kind == 0) return Region::pixel(x, y);
      if (kind == 1) {
        return Region::rect(Rect{x, std::min(shape.width, x + 1 + static_cast<int>(rng() % 9)), y,
                                 std::min(shape.height, y + 1 + static_cast<int>(rng() % 7))});
      }
      std::vector<WeightedPixel> mask;  // a scattered, non-convex blob
      for (int dy = -4; dy <= 4; ++dy) {
        for (int dx = -4; dx <= 4; ++dx) {
          const int px = x + dx;
          const int py = y + dy;
          if (px >= 0 && py >= 0 && px < shape.width && py < shape.height && rng() % 3 == 0) {
            mask.push_back({px, py, 0.5 + (rng() % 4)});
          }
        }
      }
      if (mask.empty()) mask.push_back({x, y, 1.0});
      std::shuffle(mask.begin(), mask.end(), rng);
      return Region::mask(mask);
    };
    std::vector<Region> all;
    const int count = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < count; ++i) all.push_back(random_region());
    const RingParams params{static_cast<int>(rng() % 5), 1 + static_cast<int>(rng() % 300)};
    const Region& roi = all[rng() % all.size()];
    const std::vector<WeightedPixel> expected = brute_force_ring(roi, all, shape, params);
    if (expected.empty()) {
      EXPECT_NE(ring_error(roi, all, shape, params), "") << "trial " << trial;
      continue;
    }
    const Region ring = neuropil_ring(roi, all, shape, params);
    ASSERT_EQ(ring.pixels(), expected) << "trial " << trial << ": " << roi.describe() << " gap " << params.inner_gap
                                       << " min " << params.min_pixels;
    EXPECT_EQ(neuropil_ring(roi, RoiOccupancy(all, shape), shape, params).pixels(), expected);
  }
}

TEST(NeuropilRing, OccupancyMarksEveryRoiPixel) {
  const FrameShape shape{20, 10};
  const std::vector<Region> all = {Region::pixel(0, 0), Region::rect(Rect{5, 8, 2, 4}),
                                   Region::mask({{19, 9, 1.0}, {10, 5, 2.0}})};
  const RoiOccupancy occupancy(all, shape);
  int occupied = 0;
  for (int y = 0; y < shape.height; ++y) {
    for (int x = 0; x < shape.width; ++x) occupied += occupancy.occupied(x, y);
  }
  EXPECT_EQ(occupied, 1 + 6 + 2);
  EXPECT_TRUE(occupancy.occupied(7, 3));
  EXPECT_TRUE(occupancy.occupied(19, 9));
  EXPECT_FALSE(occupancy.occupied(8, 3));
}

// 10,000 rings of 12x12 ROIs on 512x512 frames (ten layouts of 1,000 separate cells):
// even crowded, each reaches its minimum. (How long they take is calmon-microbench's
// NeuropilRings: speed is measured, not asserted.)
TEST(NeuropilRing, TenThousandCrowdedRingsEachReachTheirMinimum) {
  const FrameShape shape{512, 512};
  std::mt19937 rng(7);
  std::vector<std::vector<Region>> layouts(10);
  for (std::vector<Region>& rois : layouts) {
    std::vector<char> taken(shape.pixel_count(), 0);
    while (rois.size() < 1000) {
      const int x = static_cast<int>(rng() % (512 - 12));
      const int y = static_cast<int>(rng() % (512 - 12));
      bool free = true;
      for (int yy = y; yy < y + 12 && free; ++yy) {
        for (int xx = x; xx < x + 12 && free; ++xx) free = !taken[yy * 512 + xx];
      }
      if (!free) continue;
      for (int yy = y; yy < y + 12; ++yy) std::fill(&taken[yy * 512 + x], &taken[yy * 512 + x] + 12, 1);
      rois.push_back(Region::rect(Rect{x, x + 12, y, y + 12}));
    }
  }
  std::size_t total_pixels = 0;
  for (const std::vector<Region>& rois : layouts) {
    const RoiOccupancy occupancy(rois, shape);
    for (const Region& roi : rois) total_pixels += neuropil_ring(roi, occupancy, shape, RingParams{}).pixel_count();
  }
  EXPECT_GE(total_pixels, 10000u * 350u);
}

TEST(NeuropilRing, TheSpanOverloadGivesTheOccupancysRings) {
  const FrameShape shape{512, 512};
  std::vector<Region> rois;
  for (int y = 0; y + 12 <= 512; y += 16) {
    for (int x = 0; x + 12 <= 512; x += 16) rois.push_back(Region::rect(Rect{x, x + 12, y, y + 12}));
  }
  const RoiOccupancy occupancy(rois, shape);
  for (const Region& roi : rois) {
    EXPECT_EQ(neuropil_ring(roi, rois, shape, RingParams{2, 100}).pixels(),
              neuropil_ring(roi, occupancy, shape, RingParams{2, 100}).pixels());
  }
}

TEST(NeuropilRing, NegativeInnerGapIsRejected) {
  const Region roi = Region::pixel(5, 5);
  EXPECT_EQ(ring_error(roi, {roi}, FrameShape{20, 20}, RingParams{-1, 10}),
            "neuropil ring: inner_gap must be >= 0, got -1");
}

TEST(NeuropilRing, MinPixelsBelowOneIsRejected) {
  const Region roi = Region::pixel(5, 5);
  EXPECT_EQ(ring_error(roi, {roi}, FrameShape{20, 20}, RingParams{2, 0}),
            "neuropil ring: min_pixels must be >= 1, got 0");
}

TEST(NeuropilRing, NoFreePixelIsAnError) {
  const FrameShape shape{80, 60};
  const Region cell = Region::rect(Rect{15, 35, 20, 35});
  const Region everything = Region::rect(Rect::whole(shape));
  EXPECT_EQ(ring_error(cell, {cell, everything}, shape, RingParams{}),
            "neuropil ring: no neuropil pixels available around rectangle x 15:35, y 20:35: every pixel "
            "farther than 2 from it belongs to an ROI or lies outside the 80x60 frame");
  const Region whole = Region::rect(Rect{0, 80, 0, 60});
  EXPECT_NE(ring_error(whole, {whole}, shape, RingParams{0, 1}), "");
}

TEST(NeuropilRing, OccupancyForAnotherFrameIsRejected) {
  const Region roi = Region::pixel(5, 5);
  const RoiOccupancy occupancy(std::vector<Region>{roi}, FrameShape{20, 20});
  try {
    neuropil_ring(roi, occupancy, FrameShape{30, 20}, RingParams{});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "neuropil ring: the ROI occupancy is for a 20x20 frame, not 30x20");
  }
}

}  // namespace
}  // namespace calmon
