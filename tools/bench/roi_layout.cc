// roi_layout.cc — random non-overlapping 12x12 ROIs by rejection sampling.
#include "roi_layout.h"

#include <random>

namespace calmon::bench {
namespace {

constexpr int kTriesPerRoi = 200;

bool overlaps(const RoiRect& a, const RoiRect& b) {
  return a.xmin < b.xmin + kRoiSide && b.xmin < a.xmin + kRoiSide && a.ymin < b.ymin + kRoiSide &&
         b.ymin < a.ymin + kRoiSide;
}

}  // namespace

std::vector<RoiRect> random_roi_layout(int count, int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> x(0, width - kRoiSide), y(0, height - kRoiSide);
  std::vector<RoiRect> rois;
  rois.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    RoiRect candidate{x(rng), y(rng)};
    for (int attempt = 0; attempt < kTriesPerRoi; ++attempt) {
      bool free = true;
      for (const RoiRect& placed : rois) free = free && !overlaps(candidate, placed);
      if (free) break;
      candidate = {x(rng), y(rng)};
    }
    rois.push_back(candidate);
  }
  return rois;
}

}  // namespace calmon::bench
