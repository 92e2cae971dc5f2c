// imagej_outline.h — a calmon Region as an ImageJ shape whose mask is exactly its pixels,
// for writing ROIs that ImageJ and Fiji open (io/imagej_roi_set.h).
//
// A rectangle stays a rectangle and a pixel becomes a 1×1 rectangle. A mask becomes a
// composite of rectangles: each row's runs of consecutive pixels, runs of the same columns
// in consecutive rows merged into one rectangle. The rectangles do not overlap and their
// corners are on pixel corners, so ImageJ's even-odd fill of them (imagej_mask.h) gives
// back exactly the mask's pixels. Weights are not carried: ImageJ ROIs have none.
#pragma once

#include "core/imagej_shape.h"
#include "core/region.h"

namespace calmon {

// The shape for `region` (which must not be empty).
ImageJShape imagej_shape_of(const Region& region);

}  // namespace calmon
