// neuropil_ring.cc — the automatic neuropil ring, grown locally around each ROI.
//
// Chebyshev distances to the ROI are computed only inside a window around it, which
// grows with the ring, so the cost follows the ring's area and not the frame's.
#include "core/neuropil_ring.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "core/error.h"

namespace calmon {

namespace {

constexpr int kNoRoi = std::numeric_limits<int>::max() / 2;  // distance where the ROI is absent

std::string shape_to_string(FrameShape shape) {
  return std::to_string(shape.width) + "x" + std::to_string(shape.height);
}

void check_params(RingParams params) {
  if (params.inner_gap < 0) {
    throw Error("neuropil ring: inner_gap must be >= 0, got " + std::to_string(params.inner_gap));
  }
  if (params.min_pixels < 1) {
    throw Error("neuropil ring: min_pixels must be >= 1, got " + std::to_string(params.min_pixels));
  }
}

// The part of the frame within `radius` (Chebyshev) of `box`.
Rect widen_clipped(const Rect& box, long long radius, FrameShape shape) {
  auto clip = [](long long v, int hi) { return static_cast<int>(std::clamp<long long>(v, 0, hi)); };
  return Rect{clip(box.xmin - radius, shape.width), clip(box.xmax + radius, shape.width),
              clip(box.ymin - radius, shape.height), clip(box.ymax + radius, shape.height)};
}

// The smallest radius at which the widened box holds the whole frame.
long long radius_covering_frame(const Rect& box, FrameShape shape) {
  return std::max({0LL, static_cast<long long>(box.xmin), static_cast<long long>(box.ymin),
                   static_cast<long long>(shape.width) - box.xmax, static_cast<long long>(shape.height) - box.ymax});
}

// A first guess of the ring width k: the smallest k whose ring around the bounding box,
// ignoring other ROIs and the frame's edges, holds 1.5 x min_pixels.
long long estimate_ring_width(const Rect& box, RingParams params, long long k_max) {
  const double w = static_cast<double>(box.width()) + 2.0 * params.inner_gap;
  const double h = static_cast<double>(box.height()) + 2.0 * params.inner_gap;
  const double wanted = 1.5 * params.min_pixels;
  long long k = 1;
  while (k < k_max && (w + 2.0 * k) * (h + 2.0 * k) - w * h < wanted) ++k;
  return k;
}

// Window-local bytes, row-major over `window`: non-zero where a pixel belongs to an ROI.
void mark_rois(std::span<const Region> rois, const Rect& window, std::vector<std::uint8_t>& occupied) {
  const int width = window.width();
  occupied.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(window.height()), 0);
  for (const Region& roi : rois) {
    const Rect& box = roi.rect();
    const Rect overlap{std::max(box.xmin, window.xmin), std::min(box.xmax, window.xmax),
                       std::max(box.ymin, window.ymin), std::min(box.ymax, window.ymax)};
    if (overlap.empty()) continue;
    if (roi.kind() != Region::Kind::kMask) {
      for (int y = overlap.ymin; y < overlap.ymax; ++y) {
        std::uint8_t* row = occupied.data() + static_cast<std::size_t>(y - window.ymin) * width;
        std::fill(row + (overlap.xmin - window.xmin), row + (overlap.xmax - window.xmin), 1);
      }
      continue;
    }
    for (const WeightedPixel& p : roi.mask_pixels()) {
      if (window.contains(p.x, p.y)) {
        occupied[static_cast<std::size_t>(p.y - window.ymin) * width + (p.x - window.xmin)] = 1;
      }
    }
  }
}

void copy_occupancy(const RoiOccupancy& occupancy, const Rect& window, std::vector<std::uint8_t>& occupied) {
  const int width = window.width();
  occupied.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(window.height()));
  for (int y = window.ymin; y < window.ymax; ++y) {
    std::memcpy(occupied.data() + static_cast<std::size_t>(y - window.ymin) * width, occupancy.row(y) + window.xmin,
                static_cast<std::size_t>(width));
  }
}

// Chebyshev distance from each window pixel to the nearest pixel of `roi`.
void measure_distances(const Region& roi, const Rect& window, std::vector<int>& distance) {
  const int width = window.width();
  const int height = window.height();
  distance.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  const Rect& box = roi.rect();

  if (roi.kind() != Region::Kind::kMask) {  // closed form: max of the axis distances
    std::vector<int> dx(static_cast<std::size_t>(width));
    for (int x = window.xmin; x < window.xmax; ++x) {
      dx[x - window.xmin] = std::max({box.xmin - x, x - (box.xmax - 1), 0});
    }
    for (int y = window.ymin; y < window.ymax; ++y) {
      const int dy = std::max({box.ymin - y, y - (box.ymax - 1), 0});
      int* row = distance.data() + static_cast<std::size_t>(y - window.ymin) * width;
      for (int i = 0; i < width; ++i) row[i] = std::max(dx[i], dy);
    }
    return;
  }

  // A mask: exact chessboard distance transform in two raster passes. In a rectangle the
  // shortest 8-connected path between two pixels stays inside it, so the window gives the
  // true distances (every ROI pixel lies in the window).
  std::fill(distance.begin(), distance.end(), kNoRoi);
  for (const WeightedPixel& p : roi.mask_pixels()) {
    if (window.contains(p.x, p.y)) {
      distance[static_cast<std::size_t>(p.y - window.ymin) * width + (p.x - window.xmin)] = 0;
    }
  }
  for (int y = 0; y < height; ++y) {  // forward: from above and the left
    int* row = distance.data() + static_cast<std::size_t>(y) * width;
    const int* above = y > 0 ? row - width : nullptr;
    for (int x = 0; x < width; ++x) {
      int d = row[x];
      if (above) {
        d = std::min(d, above[x] + 1);
        if (x > 0) d = std::min(d, above[x - 1] + 1);
        if (x + 1 < width) d = std::min(d, above[x + 1] + 1);
      }
      if (x > 0) d = std::min(d, row[x - 1] + 1);
      row[x] = d;
    }
  }
  for (int y = height - 1; y >= 0; --y) {  // backward: from below and the right
    int* row = distance.data() + static_cast<std::size_t>(y) * width;
    const int* below = y + 1 < height ? row + width : nullptr;
    for (int x = width - 1; x >= 0; --x) {
      int d = row[x];
      if (below) {
        d = std::min(d, below[x] + 1);
        if (x > 0) d = std::min(d, below[x - 1] + 1);
        if (x + 1 < width) d = std::min(d, below[x + 1] + 1);
      }
      if (x + 1 < width) d = std::min(d, row[x + 1] + 1);
      row[x] = d;
    }
  }
}

// The ring around `roi`; `mark_occupied(window, bytes)` fills the window's occupancy.
template <class MarkOccupied>
Region ring_around(const Region& roi, FrameShape shape, RingParams params, MarkOccupied mark_occupied) {
  check_params(params);
  const Rect& box = roi.rect();
  const long long gap = params.inner_gap;
  const long long covering_radius = radius_covering_frame(box, shape);
  long long width_k = estimate_ring_width(box, params, std::max(1LL, covering_radius - gap));

  std::vector<std::uint8_t> occupied;
  std::vector<int> distance;
  std::vector<long long> free_pixels_at;  // free pixels by distance
  Rect window;
  long long outer = -1;  // the ring is gap < d <= outer
  while (outer < 0) {
    const bool covers_frame = gap + width_k >= covering_radius;
    const long long radius = std::min(gap + width_k, covering_radius);
    window = widen_clipped(box, radius, shape);
    mark_occupied(window, occupied);
    measure_distances(roi, window, distance);

    // Finite distances in a window are below its larger side.
    free_pixels_at.assign(static_cast<std::size_t>(std::max(window.width(), window.height())) + 1, 0);
    for (std::size_t i = 0; i < distance.size(); ++i) {
      if (!occupied[i] && distance[i] > gap && distance[i] != kNoRoi) ++free_pixels_at[distance[i]];
    }
    long long count = 0;
    long long farthest = -1;
    for (long long d = gap + 1; d < static_cast<long long>(free_pixels_at.size()); ++d) {
      if (free_pixels_at[d] == 0) continue;
      count += free_pixels_at[d];
      farthest = d;
      if (count >= params.min_pixels) break;
    }
    if (count >= params.min_pixels && (covers_frame || farthest <= radius)) {
      outer = farthest;  // complete: every pixel within `radius` is in the window
    } else if (covers_frame) {
      if (farthest < 0) {
        throw Error("neuropil ring: no neuropil pixels available around " + roi.describe() +
                    ": every pixel farther than " + std::to_string(gap) +
                    " from it belongs to an ROI or lies outside the " + shape_to_string(shape) + " frame");
      }
      outer = farthest;  // the whole frame's free pixels
    } else {
      width_k *= 2;
    }
  }

  std::vector<WeightedPixel> ring;
  const int width = window.width();
  for (int y = window.ymin; y < window.ymax; ++y) {
    const std::size_t row = static_cast<std::size_t>(y - window.ymin) * width;
    for (int x = window.xmin; x < window.xmax; ++x) {
      const std::size_t i = row + (x - window.xmin);
      if (!occupied[i] && distance[i] > gap && distance[i] <= outer) ring.push_back({x, y, 1.0});
    }
  }
  return Region::mask(std::move(ring));
}

}  // namespace

RoiOccupancy::RoiOccupancy(std::span<const Region> rois, FrameShape shape) : shape_(shape) {
  mark_rois(rois, Rect::whole(shape), occupied_);
}

Region neuropil_ring(const Region& roi, std::span<const Region> all_rois, FrameShape shape, RingParams params) {
  return ring_around(roi, shape, params, [&](const Rect& window, std::vector<std::uint8_t>& occupied) {
    mark_rois(all_rois, window, occupied);
  });
}

Region neuropil_ring(const Region& roi, const RoiOccupancy& occupancy, FrameShape shape, RingParams params) {
  if (occupancy.shape() != shape) {
    throw Error("neuropil ring: the ROI occupancy is for a " + shape_to_string(occupancy.shape()) + " frame, not " +
                shape_to_string(shape));
  }
  return ring_around(roi, shape, params, [&](const Rect& window, std::vector<std::uint8_t>& occupied) {
    copy_occupancy(occupancy, window, occupied);
  });
}

}  // namespace calmon
