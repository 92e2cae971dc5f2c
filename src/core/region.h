// region.h — the pixels an ROI (or its neuropil) averages over: one pixel, a rectangle
// or a weighted mask.
//
// The three shapes of the config's `Region`. A pixel (x, y) is the notebook's trace
// `data[:, y, x]`; a rectangle is the half-open slice `data[:, ymin:ymax, xmin:xmax]`;
// a mask is Suite2p's (xpix, ypix, lam): F = sum(w * p) / sum(w). Building a Region never
// throws — a config or ROI file is parsed first, then `validate` checks the region against
// the frame and names the offending ROI in a one-line calmon::Error.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame_view.h"
#include "core/rect.h"

namespace calmon {

struct WeightedPixel {
  int x = 0;
  int y = 0;
  double weight = 1.0;

  bool operator==(const WeightedPixel&) const = default;
};

class Region {
 public:
  enum class Kind { kPixel, kRect, kMask };

  // An empty mask, which validate() rejects: a placeholder until a real region is assigned.
  Region() = default;
  static Region pixel(int x, int y);
  static Region rect(Rect r);
  static Region mask(std::vector<WeightedPixel> pixels);
  // A mask from parallel arrays, like the config's Mask and Suite2p's xpix, ypix, lam.
  // `weights` empty means every pixel weighs 1. Arrays of different lengths are kept as a
  // problem that `validate` reports (the region then holds the pixels the arrays share).
  static Region mask(std::span<const int> xs, std::span<const int> ys, std::span<const double> weights);

  Kind kind() const { return kind_; }
  // Bounding box for every kind; a pixel's is {x, x + 1, y, y + 1}, an empty mask's is empty.
  const Rect& rect() const { return bounding_box_; }
  // The mask's pixels in the order given (kMask only; empty for other kinds).
  const std::vector<WeightedPixel>& mask_pixels() const { return mask_; }
  // Every pixel with its weight: row-major for a rectangle, the given order for a mask.
  std::vector<WeightedPixel> pixels() const;
  std::size_t pixel_count() const;
  // True when every weight is exactly 1 (always for pixels and rectangles).
  bool unit_weights() const;

  // Throws calmon::Error "<what>: ..." when the region is empty, reaches outside the
  // frame, repeats a mask pixel, has a weight that is not finite or is negative, weights
  // that do not sum to more than 0, or weight arrays of the wrong length.
  // `what` names the owner, e.g. "ROI 'cell1'" or "neuropil of ROI 'cell1'".
  void validate(FrameShape shape, std::string_view what) const;

  // "pixel (21, 25)", "rectangle x 15:35, y 20:35", "mask of 52 pixels".
  std::string describe() const;

 private:
  Kind kind_ = Kind::kMask;
  Rect bounding_box_;
  std::vector<WeightedPixel> mask_;
  std::string array_length_problem_;  // non-empty: the parallel arrays did not match
};

}  // namespace calmon
