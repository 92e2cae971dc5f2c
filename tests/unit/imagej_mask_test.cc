// imagej_mask_test.cc — ImageJ's mask rules on small shapes whose pixels can be counted by
// hand: which pixel centres on an edge are in, how subpixel bounds are rounded, how a
// composite's subpaths combine. (tests/rois/check_imagej.py holds the same rules against
// ImageJ itself on larger shapes.)
#include "core/imagej_mask.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "core/error.h"

namespace calmon {
namespace {

using Pixels = std::set<std::pair<int, int>>;  // (x, y)

Pixels pixels_of(const Region& region) {
  Pixels pixels;
  for (const WeightedPixel& p : region.pixels()) {
    EXPECT_EQ(p.weight, 1.0);
    pixels.insert({p.x, p.y});
  }
  return pixels;
}

ImageJShape polygon(std::vector<ImageJPoint> points, bool subpixel = false,
                    ImageJShape::Kind kind = ImageJShape::Kind::kPolygon) {
  ImageJShape shape;
  shape.kind = kind;
  shape.points = std::move(points);
  shape.subpixel = subpixel;
  return shape;
}

ImageJShape composite(std::vector<std::vector<ImageJPoint>> subpaths) {
  ImageJShape shape;
  shape.kind = ImageJShape::Kind::kComposite;
  shape.subpaths = std::move(subpaths);
  return shape;
}

std::vector<ImageJPoint> square(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

Pixels box(int x0, int y0, int x1, int y1) {  // [x0, x1) × [y0, y1)
  Pixels pixels;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) pixels.insert({x, y});
  }
  return pixels;
}

std::string error_of(const ImageJShape& shape) {
  try {
    imagej_region(shape, "cells.zip: ROI 'a'");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ImageJMask, RectangleIsARectRegion) {
  ImageJShape shape;
  shape.left = 3;
  shape.top = 4;
  shape.width = 5;
  shape.height = 2;
  const Region region = imagej_region(shape, "ROI 'r'");
  EXPECT_EQ(region.kind(), Region::Kind::kRect);
  EXPECT_EQ(region.rect(), (Rect{3, 8, 4, 6}));
}

TEST(ImageJMask, SubpixelRectangleTruncatesItsCornerAndRoundsItsSizeUp) {
  ImageJShape shape;
  shape.subpixel = true;
  shape.x = 3.7;
  shape.y = 4.2;
  shape.w = 5.1;
  shape.h = 2.0;
  EXPECT_EQ(imagej_region(shape, "ROI 'r'").rect(), (Rect{3, 9, 4, 6}));
}

TEST(ImageJMask, EmptyRectanglesAreRefusedByName) {
  ImageJShape empty;
  empty.width = 0;
  empty.height = 3;
  EXPECT_EQ(error_of(empty), "cells.zip: ROI 'a': the rectangle is empty (0x3)");
}

TEST(ImageJMask, RoundedRectangleCountsAreImageJs) {
  // Counts ImageJ 1.53t's getStatistics gives for makeRectangle(x, y, w, h, diameter).
  ImageJShape rounded;
  rounded.left = 3;
  rounded.top = 4;
  rounded.width = 10;
  rounded.height = 10;
  rounded.corner_diameter = 4;
  Pixels expected = box(3, 4, 13, 14);
  for (const auto& corner : Pixels{{3, 4}, {12, 4}, {3, 13}, {12, 13}}) expected.erase(corner);
  EXPECT_EQ(pixels_of(imagej_region(rounded, "r")), expected);  // 96 pixels: each corner pixel cut off
  rounded.width = 7;
  rounded.height = 5;
  rounded.corner_diameter = 20;  // capped at the width and height: close to the oval
  EXPECT_EQ(imagej_region(rounded, "r").pixel_count(), 31U);
  rounded.width = 2;
  rounded.height = 2;
  rounded.corner_diameter = 2;
  EXPECT_EQ(imagej_region(rounded, "r").pixel_count(), 4U);
}

TEST(ImageJMask, OvalKeepsThePixelsInsideTheEllipseThroughThePixelGrid) {
  ImageJShape oval;
  oval.kind = ImageJShape::Kind::kOval;
  oval.left = 10;
  oval.top = 20;
  oval.width = 3;
  oval.height = 3;
  // a = b = 1.5, centre pixel (1, 1): the corners are at (1² + 1²) / 2.25 = 0.89 ≤ 1, all in.
  EXPECT_EQ(pixels_of(imagej_region(oval, "ROI 'o'")), box(10, 20, 13, 23));
  oval.width = 4;
  oval.height = 4;
  // a = b = 2, centre (1.5, 1.5): corner pixels at 1.5² · 2 / 4 = 1.125 > 1 are out.
  Pixels expected = box(10, 20, 14, 24);
  for (const auto& corner : Pixels{{10, 20}, {13, 20}, {10, 23}, {13, 23}}) expected.erase(corner);
  EXPECT_EQ(pixels_of(imagej_region(oval, "ROI 'o'")), expected);
}

TEST(ImageJMask, OvalCountsAreImageJs) {
  // Counts ImageJ 1.53t's getStatistics gives for these ovals (make_imagej_rois.ijm).
  ImageJShape oval;
  oval.kind = ImageJShape::Kind::kOval;
  oval.width = 7;
  oval.height = 5;
  EXPECT_EQ(imagej_region(oval, "o").pixel_count(), 31U);
  oval.width = 12;
  oval.height = 10;
  EXPECT_EQ(imagej_region(oval, "o").pixel_count(), 96U);
  oval.subpixel = true;  // makeOval(50.3, 30.6, 9.5, 6.2): the mask of a 10 x 7 box at (50, 30)
  oval.x = 50.3;
  oval.y = 30.6;
  oval.w = 9.5;
  oval.h = 6.2;
  const Region region = imagej_region(oval, "o");
  EXPECT_EQ(region.pixel_count(), 58U);
  EXPECT_EQ(region.rect(), (Rect{50, 60, 30, 37}));
}

TEST(ImageJMask, PixelCentresOnARightEdgeAreInOnALeftEdgeOut) {
  // The long side x + y = 53 runs through the centres of the pixels with x + y = 52.
  const Pixels right = pixels_of(imagej_region(polygon({{3, 40}, {13, 40}, {3, 50}}), "t"));
  EXPECT_EQ(right.size(), 55U);  // rows of 10, 9, ..., 1 pixels: ImageJ's count
  EXPECT_TRUE(right.count({12, 40}));
  EXPECT_TRUE(right.count({3, 49}));
  EXPECT_FALSE(right.count({4, 49}));
  // Mirrored, the same side is a left edge: those centres are out.
  const Pixels left = pixels_of(imagej_region(polygon({{13, 40}, {13, 50}, {3, 50}}), "t"));
  EXPECT_EQ(left.size(), 45U);
  EXPECT_FALSE(left.count({12, 40}));  // row 40's only candidate has its centre on the edge
  EXPECT_FALSE(left.count({11, 41}));
  EXPECT_TRUE(left.count({12, 41}));
}

TEST(ImageJMask, IntegerPolygonOnPixelCornersHoldsThePixelsInside) {
  EXPECT_EQ(pixels_of(imagej_region(polygon(square(2, 3, 6, 5)), "p")), box(2, 3, 6, 5));
  EXPECT_EQ(pixels_of(imagej_region(polygon(square(2, 3, 6, 5), false, ImageJShape::Kind::kTraced), "p")),
            box(2, 3, 6, 5));
  EXPECT_EQ(pixels_of(imagej_region(polygon(square(2, 3, 6, 5), false, ImageJShape::Kind::kFreehand), "p")),
            box(2, 3, 6, 5));
}

TEST(ImageJMask, SubpixelPolygonCentresOnTheTopAndLeftEdgesAreOut) {
  // Edges through the centres of rows 0 and 3, columns 0 and 3: the top and left ones
  // are out, the bottom and right ones in.
  EXPECT_EQ(pixels_of(imagej_region(polygon(square(0.5, 0.5, 3.5, 3.5), true), "p")), box(1, 1, 4, 4));
  EXPECT_EQ(pixels_of(imagej_region(polygon(square(10.2, 5.7, 12.6, 8.4), true), "p")), box(10, 6, 13, 8));
}

TEST(ImageJMask, SubpixelPolygonBetweenPixelCentresIsAnEmptyMask) {
  EXPECT_EQ(error_of(polygon(square(1.6, 1.6, 1.9, 1.9), true)),
            "cells.zip: ROI 'a': the polygon's ImageJ mask holds no pixel");
}

TEST(ImageJMask, PolygonNeedsThreeVertices) {
  EXPECT_EQ(error_of(polygon({{1, 1}, {5, 5}})), "cells.zip: ROI 'a': a polygon needs at least 3 vertices, it has 2");
}

TEST(ImageJMask, CompositeSubpathsCombineEvenOdd) {
  // A donut: the hole's pixels are out.
  Pixels donut = box(0, 0, 6, 6);
  for (const auto& p : box(2, 2, 4, 4)) donut.erase(p);
  EXPECT_EQ(pixels_of(imagej_region(composite({square(0, 0, 6, 6), square(2, 2, 4, 4)}), "c")), donut);
  // Two overlapping squares: even-odd leaves their overlap out, as ImageJ's filler does.
  Pixels xored = box(0, 0, 4, 4);
  for (const auto& p : box(2, 2, 6, 6)) xored.insert(p);
  for (const auto& p : box(2, 2, 4, 4)) xored.erase(p);
  EXPECT_EQ(pixels_of(imagej_region(composite({square(0, 0, 4, 4), square(2, 2, 6, 6)}), "c")), xored);
  // Apart, at subpixel corners.
  Pixels apart = box(11, 6, 13, 8);
  for (const auto& p : box(20, 20, 21, 21)) apart.insert(p);
  EXPECT_EQ(pixels_of(imagej_region(composite({square(10.6, 5.5, 12.5, 7.5), square(20, 20, 21, 21)}), "c")), apart);
}

TEST(ImageJMask, MasksAreRowMajor) {
  const Region region = imagej_region(composite({square(5, 1, 7, 3), square(0, 2, 2, 4)}), "c");
  const std::vector<WeightedPixel> pixels = region.pixels();
  EXPECT_TRUE(std::is_sorted(pixels.begin(), pixels.end(), [](const WeightedPixel& a, const WeightedPixel& b) {
    return std::make_pair(a.y, a.x) < std::make_pair(b.y, b.x);
  }));
  EXPECT_EQ(pixels.size(), 8U);
}

TEST(ImageJMask, ShapesMayLieLeftOfOrAboveTheImageTheCallerRefusesThem) {
  const Region region = imagej_region(polygon(square(-2, -1, 1, 1)), "p");
  EXPECT_EQ(pixels_of(region), box(-2, -1, 1, 1));
  EXPECT_THROW(region.validate({10, 10}, "ROI 'p'"), Error);
}

}  // namespace
}  // namespace calmon
