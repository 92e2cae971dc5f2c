// imagej_roi.h — one ImageJ ROI in ImageJ's binary `.roi` format, decoded and encoded.
//
// The format is the one ImageJ's ROI Manager saves: a 64-byte big-endian header ("Iout",
// version, type, integer bounds, options, the offset of a second header holding the
// name), then the vertices (shorts relative to the bounds, then floats in image
// coordinates when the ROI has subpixel resolution) or, for a composite, its path as
// floats (segment type, then its points). Only area ROIs are decoded — rectangle, oval,
// polygon, freehand (Fiji's ellipse and rotated rectangle among them), traced, composite;
// a line, point, angle, polyline, freeline, text or image ROI is refused with one line
// naming the ROI and its type, and so are shapes whose pixels calmon does not compute
// (spline-fitted polygons, curves in a composite).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/imagej_shape.h"

namespace calmon::io {

struct ImageJRoi {
  std::string name;
  ImageJShape shape;

  bool operator==(const ImageJRoi&) const = default;
};

// Decodes one `.roi`. `source` names it in errors ("cells.zip: cell1.roi"); the name is
// the one stored in the ROI, else `fallback_name` (a file or zip entry name without
// ".roi"). Throws calmon::Error "<source>: ..." for a truncated or damaged ROI and for a
// type calmon does not take.
ImageJRoi decode_imagej_roi(std::span<const std::uint8_t> bytes, std::string_view source,
                            std::string_view fallback_name);

// The `.roi` bytes of `roi` (version 228, with its name): a rectangle with integer bounds,
// an oval, a polygon, freehand or traced outline, a composite.
std::vector<std::uint8_t> encode_imagej_roi(const ImageJRoi& roi);

}  // namespace calmon::io
