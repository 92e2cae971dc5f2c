// suite2p_masks.h — Suite2p's rules for an ROI's pixels, so that masks taken from or given
// to Suite2p mean what they mean there.
//
// Suite2p's trace extraction leaves out of each cell's mask the pixels that belong to more
// than one ROI (stat's `overlap`: True where the pixel is in two or more ROIs of stat.npy,
// counted over every ROI of the file, cells or not), unless told to allow overlaps, and then
// divides the kept weights `lam` by their sum, so F = sum(lam_normed * pixel). calmon's mask
// F is sum(w * p) / sum(w): the same weights give the same F. Suite2p's `med` is the ROI's
// pixel nearest to the median of its ys and xs.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "core/region.h"

namespace calmon {

// One ROI's pixels as Suite2p lists them: parallel arrays.
struct Suite2pPixels {
  std::vector<int> xs;
  std::vector<int> ys;
  std::vector<double> lam;
};

// For each ROI, whether each of its pixels is in more than one ROI of `rois` (a pixel
// listed twice in one ROI counts twice, as in Suite2p).
std::vector<std::vector<bool>> shared_pixel_flags(std::span<const Suite2pPixels> rois);

// The mask Suite2p extracts a cell's F from: the pixels not flagged in `overlap` (all of
// them with `allow_overlap`), weights lam / sum(lam) of those. Empty when none is left.
std::vector<WeightedPixel> suite2p_cell_mask(const Suite2pPixels& roi, const std::vector<bool>& overlap,
                                             bool allow_overlap);

// Suite2p's `med`: {y, x} of the first pixel nearest (squared distance) to
// (median(ys), median(xs)). {0, 0} for no pixels.
std::pair<int, int> suite2p_median_pixel(std::span<const int> xs, std::span<const int> ys);

}  // namespace calmon
