// roi_layout.h — where calmon-bench puts its N rectangular 12x12 ROIs.
//
// Random positions that do not overlap, as long as random tries find free room; when
// N is too large for the frame, the remaining ROIs are placed anywhere (overlap allowed).
#pragma once

#include <vector>

namespace calmon::bench {

inline constexpr int kRoiSide = 12;

struct RoiRect {
  int xmin, ymin;  // the ROI is [xmin, xmin + 12) x [ymin, ymin + 12)
};

std::vector<RoiRect> random_roi_layout(int count, int width, int height, unsigned seed);

}  // namespace calmon::bench
