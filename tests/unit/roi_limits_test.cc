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
  roi.mutable_neuropil()->mutable_ring()->set_min_pixels(1000000);  // rings wait for the frame size
  check_roi_limits(set.rois(), limits);
}

TEST(RoiLimits, TheConfigsDefaultNeuropilCountsToo) {
  pb::Config config;
  config.mutable_neuropil()->mutable_region()->mutable_rect()->set_xmax(20);
  config.mutable_neuropil()->mutable_region()->mutable_rect()->set_ymax(20);
  check_roi_limits(config, RoiLimits{10, 400});
  expect_error([&] { check_roi_limits(config, RoiLimits{10, 399}); }, "default neuropil: neuropil region of 400 pixels");
}

TEST(RoiLimits, ARingIsCheckedForTheFrameSize) {
  RoiSettings roi;
  roi.name = "r";
  roi.neuropil.source = NeuropilSettings::Source::kRing;
  roi.neuropil.ring.min_pixels = 100000;  // as far as the frame goes
  const std::vector<RoiSettings> rois{roi};
  check_ring_limits(rois, FrameShape{10, 10}, RoiLimits{10, 100});
  expect_error([&] { check_ring_limits(rois, FrameShape{11, 10}, RoiLimits{10, 100}); },
               "ROI 'r': neuropil ring of up to 110 pixels in 11x10 frames; the limit is 100 per region");
  std::vector<RoiSettings> small = rois;
  small[0].neuropil.ring.min_pixels = 100;
  check_ring_limits(small, FrameShape{512, 512}, RoiLimits{10, 100});
}

}  // namespace
}  // namespace calmon::config
