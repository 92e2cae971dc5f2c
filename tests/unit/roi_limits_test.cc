// roi_limits_test.cc — ROI sets held to a count and to pixels per region, counted from
// the messages before any conversion, with one line naming the ROI at fault.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "config/roi_limits.h"
#include "core/error.h"

namespace calmon::config {
namespace {

// Expects `action` to throw a one-line calmon::Error containing `expected`.
void expect_error(const std::function<void()>& action, const std::string& expected) {
  std::string message;
  try {
    action();
  } catch (const Error& error) {
    message = error.what();
  }
  ASSERT_FALSE(message.empty()) << "no calmon::Error; expected one containing '" << expected << "'";
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find(expected), std::string::npos) << "message: " << message << "\nexpected: " << expected;
}

pb::RoiSet rois_of(int count) {
  pb::RoiSet set;
  for (int i = 0; i < count; ++i) {
    pb::Roi* roi = set.add_rois();
    roi->set_name("r" + std::to_string(i));
    roi->mutable_region()->mutable_pixel()->set_x(i);
  }
  return set;
}

TEST(RoiLimits, ASetMayHaveAtMostMaxRois) {
  const RoiLimits limits{3, 100};
  check_roi_limits(rois_of(3).rois(), limits);
  expect_error([&] { check_roi_limits(rois_of(4).rois(), limits); },
                     "4 ROIs; the limit is 3 per set (--max-rois)");
}

TEST(RoiLimits, EveryRegionIsCountedInPixels) {
  const RoiLimits limits{10, 100};
  pb::RoiSet set = rois_of(1);
  pb::Roi& roi = *set.mutable_rois(0);
  pb::Rect& rect = *roi.mutable_region()->mutable_rect();
  rect.set_xmax(10);
  rect.set_ymax(10);
  check_roi_limits(set.rois(), limits);  // 100 pixels
  rect.set_ymax(11);
  expect_error([&] { check_roi_limits(set.rois(), limits); },
                     "ROI 'r0': region of 110 pixels; the limit is 100 per region (--max-roi-pixels)");
  rect.set_ymin(20);  // nonsense is left to validation, not counted
  check_roi_limits(set.rois(), limits);

  pb::Mask& mask = *roi.mutable_region()->mutable_mask();
  for (int i = 0; i < 101; ++i) mask.add_x(i);
  expect_error([&] { check_roi_limits(set.rois(), limits); }, "ROI 'r0': region of 101 pixels");

  roi.mutable_region()->mutable_pixel();
  pb::Rect& neuropil = *roi.mutable_neuropil()->mutable_region()->mutable_rect();
  neuropil.set_xmax(101);
  neuropil.set_ymax(1);
  expect_error([&] { check_roi_limits(set.rois(), limits); }, "ROI 'r0': neuropil region of 101 pixels");
  roi.mutable_neuropil()->mutable_ring()->set_min_pixels(101);
  expect_error([&] { check_roi_limits(set.rois(), limits); },
                     "ROI 'r0': neuropil ring of at least 101 pixels");
  roi.mutable_neuropil()->mutable_ring()->set_min_pixels(100);
  check_roi_limits(set.rois(), limits);
}

TEST(RoiLimits, TheConfigsDefaultNeuropilCountsToo) {
  pb::Config config;
  config.mutable_neuropil()->mutable_ring();  // the default ring: 350 pixels
  check_roi_limits(config, RoiLimits{10, 100});
  config.mutable_neuropil()->mutable_ring()->set_min_pixels(500);
  expect_error([&] { check_roi_limits(config, RoiLimits{10, 100}); }, "default neuropil: neuropil ring of at least 500");
}

}  // namespace
}  // namespace calmon::config
