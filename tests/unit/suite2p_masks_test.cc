// suite2p_masks_test.cc — Suite2p's overlap rule, its normalised weights and its `med`,
// on ROIs small enough to check by hand.
#include "core/suite2p_masks.h"

#include <gtest/gtest.h>

#include <vector>

namespace calmon {
namespace {

TEST(Suite2pMasks, FlagsPixelsInMoreThanOneRoi) {
  const std::vector<Suite2pPixels> rois = {
      {{0, 1, 2}, {0, 0, 0}, {1, 1, 1}},
      {{2, 3}, {0, 0}, {1, 1}},
      {{9}, {9}, {1}},
      {{2}, {0}, {1}},
  };
  const auto flags = shared_pixel_flags(rois);
  ASSERT_EQ(flags.size(), 4U);
  EXPECT_EQ(flags[0], (std::vector<bool>{false, false, true}));
  EXPECT_EQ(flags[1], (std::vector<bool>{true, false}));
  EXPECT_EQ(flags[2], (std::vector<bool>{false}));
  EXPECT_EQ(flags[3], (std::vector<bool>{true}));
}

TEST(Suite2pMasks, CellMaskDropsSharedPixelsAndNormalisesLam) {
  const Suite2pPixels roi{{0, 1, 2, 3}, {5, 5, 5, 5}, {1.0, 3.0, 4.0, 0.5}};
  const std::vector<bool> overlap = {false, false, true, false};
  const std::vector<WeightedPixel> mask = suite2p_cell_mask(roi, overlap, false);
  ASSERT_EQ(mask.size(), 3U);
  EXPECT_EQ(mask[0], (WeightedPixel{0, 5, 1.0 / 4.5}));
  EXPECT_EQ(mask[1], (WeightedPixel{1, 5, 3.0 / 4.5}));
  EXPECT_EQ(mask[2], (WeightedPixel{3, 5, 0.5 / 4.5}));
  EXPECT_EQ(suite2p_cell_mask(roi, overlap, true).size(), 4U);
  EXPECT_TRUE(suite2p_cell_mask(roi, {true, true, true, true}, false).empty());
}

TEST(Suite2pMasks, MedianPixelIsTheFirstNearestToTheMedians) {
  // ys median 1, xs median (1 + 2) / 2 = 1.5: (x 1, y 1) and (x 2, y 1) tie; the first wins.
  const std::vector<int> xs = {0, 1, 2, 3};
  const std::vector<int> ys = {0, 1, 1, 2};
  EXPECT_EQ(suite2p_median_pixel(xs, ys), (std::pair<int, int>{1, 1}));
  const std::vector<int> one_x = {7};
  const std::vector<int> one_y = {4};
  EXPECT_EQ(suite2p_median_pixel(one_x, one_y), (std::pair<int, int>{4, 7}));
}

}  // namespace
}  // namespace calmon
