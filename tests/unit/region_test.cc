// Region: the three ROI shapes, their pixels, and every way validate() rejects one.
#include "core/region.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"

namespace calmon {
namespace {

constexpr FrameShape kFrame{80, 60};

// The message validate() throws, or "" when it accepts the region.
std::string rejection(const Region& region, FrameShape shape = kFrame, std::string_view what = "ROI 'cell1'") {
  try {
    region.validate(shape, what);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Region, PixelIsItsOwnOnePixelBoundingBox) {
  const Region r = Region::pixel(21, 25);
  EXPECT_EQ(r.kind(), Region::Kind::kPixel);
  EXPECT_EQ(r.rect(), (Rect{21, 22, 25, 26}));
  EXPECT_EQ(r.pixels(), (std::vector<WeightedPixel>{{21, 25, 1.0}}));
  EXPECT_EQ(r.pixel_count(), 1u);
  EXPECT_TRUE(r.unit_weights());
  EXPECT_TRUE(r.mask_pixels().empty());
}

TEST(Region, RectanglePixelsAreRowMajorOverTheHalfOpenSlice) {
  const Region r = Region::rect(Rect{15, 18, 20, 22});  // data[:, 20:22, 15:18]
  EXPECT_EQ(r.kind(), Region::Kind::kRect);
  EXPECT_EQ(r.rect(), (Rect{15, 18, 20, 22}));
  EXPECT_EQ(r.pixels(),
            (std::vector<WeightedPixel>{{15, 20, 1}, {16, 20, 1}, {17, 20, 1}, {15, 21, 1}, {16, 21, 1}, {17, 21, 1}}));
  EXPECT_EQ(r.pixel_count(), 6u);
  EXPECT_TRUE(r.unit_weights());
}

TEST(Region, MaskKeepsItsOrderAndBoundsItsPixels) {
  const std::vector<WeightedPixel> pixels = {{5, 9, 0.5}, {2, 3, 1.0}, {7, 4, 2.0}};
  const Region r = Region::mask(pixels);
  EXPECT_EQ(r.kind(), Region::Kind::kMask);
  EXPECT_EQ(r.mask_pixels(), pixels);
  EXPECT_EQ(r.pixels(), pixels);
  EXPECT_EQ(r.rect(), (Rect{2, 8, 3, 10}));
  EXPECT_EQ(r.pixel_count(), 3u);
  EXPECT_FALSE(r.unit_weights());
}

TEST(Region, MaskWithAllWeightsOneHasUnitWeights) {
  EXPECT_TRUE(Region::mask({{1, 1, 1.0}, {2, 1, 1.0}}).unit_weights());
}

TEST(Region, ParallelArraysWithoutWeightsGiveUnitWeights) {
  const std::vector<int> xs = {3, 4, 5};
  const std::vector<int> ys = {7, 7, 8};
  const Region r = Region::mask(xs, ys, {});
  EXPECT_EQ(r.pixels(), (std::vector<WeightedPixel>{{3, 7, 1}, {4, 7, 1}, {5, 8, 1}}));
  EXPECT_TRUE(r.unit_weights());
  EXPECT_EQ(rejection(r), "");
}

TEST(Region, ParallelArraysCarryTheirWeights) {
  const std::vector<int> xs = {3, 4};
  const std::vector<int> ys = {7, 7};
  const std::vector<double> ws = {0.25, 0.75};
  EXPECT_EQ(Region::mask(xs, ys, ws).pixels(), (std::vector<WeightedPixel>{{3, 7, 0.25}, {4, 7, 0.75}}));
}

TEST(Region, DescribesItselfInNumpyTerms) {
  EXPECT_EQ(Region::pixel(21, 25).describe(), "pixel (21, 25)");
  EXPECT_EQ(Region::rect(Rect{15, 35, 20, 35}).describe(), "rectangle x 15:35, y 20:35");
  std::vector<WeightedPixel> pixels;
  for (int i = 0; i < 52; ++i) pixels.push_back({i, 0, 1.0});
  EXPECT_EQ(Region::mask(pixels).describe(), "mask of 52 pixels");
  EXPECT_EQ(Region::mask({{0, 0, 1.0}}).describe(), "mask of 1 pixel");
}

TEST(Region, ValidRegionsPassValidation) {
  EXPECT_EQ(rejection(Region::pixel(0, 0)), "");
  EXPECT_EQ(rejection(Region::pixel(79, 59)), "");
  EXPECT_EQ(rejection(Region::rect(Rect{0, 80, 0, 60})), "");
  EXPECT_EQ(rejection(Region::rect(Rect{15, 35, 20, 35})), "");
  EXPECT_EQ(rejection(Region::mask({{0, 0, 0.0}, {79, 59, 2.5}})), "");  // a zero weight is allowed
}

TEST(Region, PixelOutsideTheFrameIsRejected) {
  EXPECT_EQ(rejection(Region::pixel(80, 25)), "ROI 'cell1': pixel (80, 25) is outside the 80x60 frame");
  EXPECT_EQ(rejection(Region::pixel(3, -1)), "ROI 'cell1': pixel (3, -1) is outside the 80x60 frame");
  EXPECT_EQ(rejection(Region::pixel(std::numeric_limits<int>::max(), 0)),
            "ROI 'cell1': pixel (2147483647, 0) is outside the 80x60 frame");
}

TEST(Region, RectangleOutsideTheFrameIsRejected) {
  EXPECT_EQ(rejection(Region::rect(Rect{15, 95, 20, 35})),
            "ROI 'cell1': rectangle x 15:95, y 20:35 is outside the 80x60 frame");
  EXPECT_EQ(rejection(Region::rect(Rect{-1, 5, 0, 5}), kFrame, "neuropil of ROI 'cell1'"),
            "neuropil of ROI 'cell1': rectangle x -1:5, y 0:5 is outside the 80x60 frame");
  EXPECT_EQ(rejection(Region::rect(Rect{0, 5, 50, 61})),
            "ROI 'cell1': rectangle x 0:5, y 50:61 is outside the 80x60 frame");
}

TEST(Region, EmptyRectangleIsRejected) {
  EXPECT_EQ(rejection(Region::rect(Rect{15, 15, 20, 35})),
            "ROI 'cell1': rectangle x 15:15, y 20:35 is empty (xmax must be > xmin and ymax > ymin)");
  EXPECT_EQ(rejection(Region::rect(Rect{15, 20, 35, 20})),
            "ROI 'cell1': rectangle x 15:20, y 35:20 is empty (xmax must be > xmin and ymax > ymin)");
}

TEST(Region, EmptyMaskIsRejected) {
  EXPECT_EQ(rejection(Region::mask(std::vector<WeightedPixel>{})), "ROI 'cell1': mask has no pixels");
}

TEST(Region, DefaultRegionIsAnEmptyMaskThatValidationRejects) {
  const Region r;
  EXPECT_EQ(r.kind(), Region::Kind::kMask);
  EXPECT_EQ(r.pixel_count(), 0u);
  EXPECT_TRUE(r.rect().empty());
  EXPECT_EQ(rejection(r), "ROI 'cell1': mask has no pixels");
}

TEST(Region, MaskPixelOutsideTheFrameIsRejected) {
  EXPECT_EQ(rejection(Region::mask({{1, 1, 1.0}, {80, 3, 1.0}})),
            "ROI 'cell1': mask pixel 1 at (80, 3) is outside the 80x60 frame");
}

TEST(Region, RepeatedMaskPixelIsRejected) {
  EXPECT_EQ(rejection(Region::mask({{4, 4, 1.0}, {1, 2, 1.0}, {3, 3, 1.0}, {1, 2, 0.5}})),
            "ROI 'cell1': mask pixel 3 at (1, 2) repeats mask pixel 1");
}

TEST(Region, NonFiniteWeightIsRejected) {
  EXPECT_EQ(rejection(Region::mask({{1, 1, std::nan("")}})),
            "ROI 'cell1': mask pixel 0 at (1, 1) has weight nan; weights must be finite");
  EXPECT_EQ(rejection(Region::mask({{1, 1, 1.0}, {2, 1, std::numeric_limits<double>::infinity()}})),
            "ROI 'cell1': mask pixel 1 at (2, 1) has weight inf; weights must be finite");
}

TEST(Region, NegativeWeightIsRejected) {
  EXPECT_EQ(rejection(Region::mask({{1, 1, 1.0}, {2, 1, -0.5}})),
            "ROI 'cell1': mask pixel 1 at (2, 1) has negative weight -0.5");
}

TEST(Region, WeightsSummingToZeroAreRejected) {
  EXPECT_EQ(rejection(Region::mask({{1, 1, 0.0}, {2, 1, 0.0}})),
            "ROI 'cell1': mask weights sum to 0; they must sum to a finite value > 0");
}

TEST(Region, WeightsSummingToInfinityAreRejected) {
  const double huge = std::numeric_limits<double>::max();
  EXPECT_EQ(rejection(Region::mask({{1, 1, huge}, {2, 1, huge}})),
            "ROI 'cell1': mask weights sum to inf; they must sum to a finite value > 0");
}

TEST(Region, ParallelArraysOfDifferentLengthsAreRejected) {
  const std::vector<int> xs = {1, 2, 3};
  const std::vector<int> ys = {1, 2};
  const std::vector<double> two_weights = {1.0, 2.0};
  EXPECT_EQ(rejection(Region::mask(xs, ys, {})),
            "ROI 'cell1': mask has 3 x, 2 y and 0 weight values; x and y must have one value per "
            "pixel and weight one per pixel or none");
  EXPECT_EQ(rejection(Region::mask(xs, xs, two_weights)),
            "ROI 'cell1': mask has 3 x, 3 y and 2 weight values; x and y must have one value per "
            "pixel and weight one per pixel or none");
}

}  // namespace
}  // namespace calmon
