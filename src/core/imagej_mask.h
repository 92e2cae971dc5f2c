// imagej_mask.h — the pixels ImageJ measures for an ROI: its getMask(), as Multi Measure
// and Measure use it, reproduced so that calmon's F of an imported ROI is ImageJ's mean.
//
// Each shape follows ImageJ's own rule (docs/rois.md has them in words): a rectangle
// takes every pixel of its integer bounds, a rounded one the pixel centres inside the
// outline Java draws and flattens for it; an oval, the pixels of ImageJ's OvalRoi mask
// (for integer bounds its polygon of pixel corners, else the pixel centres inside the
// ellipse); a polygon, freehand or traced outline and a composite's subpaths, the pixels
// whose centres ImageJ's PolygonFiller puts inside (even-odd, with its own edge rule).
// Pure computation: the shape comes from a decoded file (io/imagej_roi.h).
#pragma once

#include <string_view>

#include "core/imagej_shape.h"
#include "core/region.h"

namespace calmon {

// A rect Region for a plain rectangle, otherwise a unit-weight mask in row-major order.
// Coordinates may be negative or beyond any frame: ImageJ clips to the image, calmon's
// caller checks against the frame (Region::validate) and refuses. Throws calmon::Error
// "<what>: ..." for an empty mask, coordinates beyond any image and a box over 4096x4096.
Region imagej_region(const ImageJShape& shape, std::string_view what);

}  // namespace calmon
