// imagej_shape.h — an ImageJ ROI's outline as ImageJ holds it, before it becomes pixels.
//
// ImageJ keeps an area ROI as one of a few shapes: a rectangle (maybe with rounded
// corners), an oval in its bounding box, a polygon of vertices (drawn as a polygon, by
// freehand or traced by the wand) or a composite of several closed subpaths (a donut,
// two cells at once). Bounds and vertices are in image pixels, x to the right and y down,
// the pixel (x, y) being the square [x, x + 1) × [y, y + 1); subpixel ROIs carry float
// coordinates. imagej_mask.h turns a shape into the pixels ImageJ measures; the .roi
// file decoder (io/imagej_roi.h) fills it, the encoder writes it.
#pragma once

#include <string_view>
#include <vector>

namespace calmon {

struct ImageJPoint {
  double x = 0;
  double y = 0;

  bool operator==(const ImageJPoint&) const = default;
};

struct ImageJShape {
  enum class Kind { kRectangle, kOval, kPolygon, kFreehand, kTraced, kComposite };

  Kind kind = Kind::kRectangle;
  // The bounds ImageJ stores (integers, also for subpixel ROIs): left, top, width, height.
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
  // Rectangle and oval with subpixel bounds (ImageJ's Roi(double...) / OvalRoi(double...)).
  bool subpixel = false;
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
  // Rectangle: the corners' diameter; 0 for square corners.
  int corner_diameter = 0;
  // Polygon, freehand, traced: the vertices in image coordinates (integers unless subpixel).
  std::vector<ImageJPoint> points;
  // Composite: closed subpaths in image coordinates, combined even-odd.
  std::vector<std::vector<ImageJPoint>> subpaths;

  bool operator==(const ImageJShape&) const = default;
};

// "rectangle", "oval", "polygon", "freehand", "traced", "composite".
constexpr std::string_view imagej_kind_name(ImageJShape::Kind kind) {
  switch (kind) {
    case ImageJShape::Kind::kRectangle: return "rectangle";
    case ImageJShape::Kind::kOval: return "oval";
    case ImageJShape::Kind::kPolygon: return "polygon";
    case ImageJShape::Kind::kFreehand: return "freehand";
    case ImageJShape::Kind::kTraced: return "traced";
    case ImageJShape::Kind::kComposite: return "composite";
  }
  return "?";
}

}  // namespace calmon
