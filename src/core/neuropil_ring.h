// neuropil_ring.h — automatic neuropil: a ring of pixels around an ROI, like Suite2p's
// surround mask.
//
// With d the Chebyshev (chessboard) distance from a pixel to the nearest pixel of the
// ROI, the ring of width k is every pixel with inner_gap < d <= inner_gap + k that belongs
// to no ROI at all. k = 1, 2, ... grows until the ring holds at least `min_pixels`
// pixels, or until it cannot grow any more (it then holds every free pixel farther than
// inner_gap in the frame). The result is a unit-weight mask Region, pixels row-major, so
// its RegionMean is numpy's data[t, ypix, xpix].mean().
//
// The computation is local: it works in a window of the ROI's bounding box widened by
// the ring's outer radius, clipped to the frame. Distances come in closed form for pixels
// and rectangles and from an exact two-pass chessboard distance transform for masks; a
// histogram of free pixels by distance picks k. The window starts from an estimate of the
// radius and doubles if the ring needs more room. Cost: O(window area) per ring, plus for
// the span overload O(number of ROIs + their pixels inside the window) to mark occupied
// pixels. For many ROIs build one RoiOccupancy (O(frame + all ROI pixels)) and use the
// occupancy overload: each ring then costs only its window.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/frame_view.h"
#include "core/region.h"

namespace calmon {

struct RingParams {
  int inner_gap = 2;     // pixels with d <= inner_gap are skipped (>= 0)
  int min_pixels = 350;  // grow until the ring holds this many pixels (>= 1)
};

// Which pixels of the frame belong to some ROI: one byte per pixel. Regions must be
// validated for `shape`; pixels outside the frame are ignored.
class RoiOccupancy {
 public:
  RoiOccupancy(std::span<const Region> rois, FrameShape shape);

  bool occupied(int x, int y) const {
    return occupied_[static_cast<std::size_t>(y) * static_cast<std::size_t>(shape_.width) +
                     static_cast<std::size_t>(x)] != 0;
  }
  FrameShape shape() const { return shape_; }
  // Row y: shape().width bytes, non-zero where a pixel belongs to an ROI.
  const std::uint8_t* row(int y) const {
    return occupied_.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(shape_.width);
  }

 private:
  FrameShape shape_;
  std::vector<std::uint8_t> occupied_;
};

// The ring around `roi` (validated for `shape`), excluding the pixels of every region in
// `all_rois` (which normally includes `roi`). Throws calmon::Error for bad params and when
// no pixel at all is available.
Region neuropil_ring(const Region& roi, std::span<const Region> all_rois, FrameShape shape, RingParams params);
Region neuropil_ring(const Region& roi, const RoiOccupancy& occupancy, FrameShape shape, RingParams params);

}  // namespace calmon
