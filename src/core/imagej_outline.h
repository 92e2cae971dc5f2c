// imagej_outline.h — a calmon Region as an ImageJ shape whose mask is exactly its pixels,
// for writing ROIs that ImageJ and Fiji open (io/imagej_roi_set.h).
//
// A rectangle stays a rectangle, a pixel becomes a 1×1 rectangle, and so does a mask that
// fills its bounding box. Any other mask is outlined along its pixels' edges, as ImageJ's
// wand traces a blob: one outline becomes a traced ROI, several (separate pieces, holes) a
// composite ROI of them. The outlines' corners are pixel corners, so ImageJ's even-odd
// fill of them (imagej_mask.h) gives back exactly the mask's pixels. Weights are not
// carried: ImageJ ROIs have none.
#pragma once

#include "core/imagej_shape.h"
#include "core/region.h"

namespace calmon {

// The shape for `region` (which must not be empty).
ImageJShape imagej_shape_of(const Region& region);

}  // namespace calmon
