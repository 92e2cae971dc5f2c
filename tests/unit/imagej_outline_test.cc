// imagej_outline_test.cc — a calmon region written as an ImageJ shape comes back, through
// ImageJ's mask rules, as exactly its pixels.
#include "core/imagej_outline.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "core/imagej_mask.h"

namespace calmon {
namespace {

std::set<std::pair<int, int>> pixels_of(const Region& region) {
  std::set<std::pair<int, int>> pixels;
  for (const WeightedPixel& p : region.pixels()) pixels.insert({p.x, p.y});
  return pixels;
}

TEST(ImageJOutline, RectAndPixelBecomeRectangles) {
  const ImageJShape rect = imagej_shape_of(Region::rect({15, 35, 20, 35}));
  EXPECT_EQ(rect.kind, ImageJShape::Kind::kRectangle);
  EXPECT_EQ(std::make_pair(rect.left, rect.top), std::make_pair(15, 20));
  EXPECT_EQ(std::make_pair(rect.width, rect.height), std::make_pair(20, 15));
  const ImageJShape pixel = imagej_shape_of(Region::pixel(21, 25));
  EXPECT_EQ(pixel.kind, ImageJShape::Kind::kRectangle);
  EXPECT_EQ(std::make_pair(pixel.left, pixel.top), std::make_pair(21, 25));
  EXPECT_EQ(std::make_pair(pixel.width, pixel.height), std::make_pair(1, 1));
}

TEST(ImageJOutline, AMaskThatFillsARectangleBecomesOne) {
  const ImageJShape shape = imagej_shape_of(Region::mask({{3, 4, 1}, {4, 4, 1}, {3, 5, 1}, {4, 5, 1}}));
  EXPECT_EQ(shape.kind, ImageJShape::Kind::kRectangle);
  EXPECT_EQ(imagej_region(shape, "m").rect(), (Rect{3, 5, 4, 6}));
}

TEST(ImageJOutline, ABlobBecomesATracedOutlineAlongItsPixelEdges) {
  // An L: three pixels down, two along the bottom.
  const Region l = Region::mask({{5, 2, 1}, {5, 3, 1}, {5, 4, 1}, {6, 4, 1}});
  const ImageJShape shape = imagej_shape_of(l);
  EXPECT_EQ(shape.kind, ImageJShape::Kind::kTraced);
  EXPECT_EQ(shape.points, (std::vector<ImageJPoint>{{5, 2}, {6, 2}, {6, 4}, {7, 4}, {7, 5}, {5, 5}}));
  EXPECT_EQ(pixels_of(imagej_region(shape, "m")), pixels_of(l));
}

TEST(ImageJOutline, ARingIsACompositeOfItsOutlineAndItsHole) {
  std::vector<WeightedPixel> ring;
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      if (x == 0 || y == 0 || x == 4 || y == 4) ring.push_back({x + 10, y + 10, 1});
    }
  }
  const ImageJShape shape = imagej_shape_of(Region::mask(ring));
  EXPECT_EQ(shape.kind, ImageJShape::Kind::kComposite);
  ASSERT_EQ(shape.subpaths.size(), 2U);
  EXPECT_EQ(shape.subpaths[0], (std::vector<ImageJPoint>{{10, 10}, {15, 10}, {15, 15}, {10, 15}}));
  EXPECT_EQ(shape.subpaths[1], (std::vector<ImageJPoint>{{11, 11}, {11, 14}, {14, 14}, {14, 11}}));
  EXPECT_EQ(pixels_of(imagej_region(shape, "m")), pixels_of(Region::mask(ring)));
}

TEST(ImageJOutline, PixelsMeetingOnlyAtACornerKeepOutlinesOfTheirOwn) {
  const Region diagonal = Region::mask({{0, 0, 1}, {1, 1, 1}});
  const ImageJShape shape = imagej_shape_of(diagonal);
  EXPECT_EQ(shape.kind, ImageJShape::Kind::kComposite);
  EXPECT_EQ(shape.subpaths.size(), 2U);
  EXPECT_EQ(pixels_of(imagej_region(shape, "m")), pixels_of(diagonal));
}

TEST(ImageJOutline, RandomMasksComeBackPixelForPixel) {
  std::mt19937 random(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::bernoulli_distribution in(0.1 + 0.8 * (trial % 10) / 10.0);
    std::vector<WeightedPixel> mask;
    for (int y = 0; y < 12; ++y) {
      for (int x = 0; x < 9; ++x) {
        if (in(random)) mask.push_back({x + 30, y + 2, 0.5});  // weights are not carried
      }
    }
    if (mask.empty()) continue;
    const Region region = Region::mask(mask);
    EXPECT_EQ(pixels_of(imagej_region(imagej_shape_of(region), "m")), pixels_of(region)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace calmon
