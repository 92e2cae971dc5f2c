// roi_limits_test.cc — ROI sets held to a count, to pixels per region and to baseline
// windows and bytes, counted from the messages before any conversion, with one line
// naming the ROI (or the set) at fault and the flag.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "config/config_file.h"
#include "config/roi_limits.h"
#include "core/error.h"
#include "core/pipeline.h"

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
  const RoiLimits limits{3, 100, {}};
  check_roi_limits(rois_of(3).rois(), pb::Config(), limits);
  expect_error([&] { check_roi_limits(rois_of(4).rois(), pb::Config(), limits); },
               "4 ROIs; the limit is 3 per set (--max-rois)");
}

TEST(RoiLimits, EveryRegionIsCountedInPixels) {
  const RoiLimits limits{10, 100, {}};
  pb::RoiSet set = rois_of(1);
  pb::Roi& roi = *set.mutable_rois(0);
  pb::Rect& rect = *roi.mutable_region()->mutable_rect();
  rect.set_xmax(10);
  rect.set_ymax(10);
  check_roi_limits(set.rois(), pb::Config(), limits);  // 100 pixels
  rect.set_ymax(11);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), limits); },
               "ROI 'r0': region of 110 pixels; the limit is 100 per region (--max-roi-pixels)");
  rect.set_ymin(20);  // nonsense is left to validation, not counted
  check_roi_limits(set.rois(), pb::Config(), limits);

  pb::Mask& mask = *roi.mutable_region()->mutable_mask();
  for (int i = 0; i < 101; ++i) mask.add_x(i);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), limits); }, "ROI 'r0': region of 101 pixels");

  roi.mutable_region()->mutable_pixel();
  pb::Rect& neuropil = *roi.mutable_neuropil()->mutable_region()->mutable_rect();
  neuropil.set_xmax(101);
  neuropil.set_ymax(1);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), limits); }, "ROI 'r0': neuropil region of 101 pixels");
  roi.mutable_neuropil()->mutable_ring()->set_min_pixels(1000000);  // rings wait for the frame size
  check_roi_limits(set.rois(), pb::Config(), limits);
}

TEST(RoiLimits, TheConfigsDefaultNeuropilCountsToo) {
  pb::Config config;
  config.mutable_neuropil()->mutable_region()->mutable_rect()->set_xmax(20);
  config.mutable_neuropil()->mutable_region()->mutable_rect()->set_ymax(20);
  check_roi_limits(config, RoiLimits{10, 400, {}});
  expect_error(
      [&] {
        check_roi_limits(config, RoiLimits{10, 399, {}});
      },
      "default neuropil: neuropil region of 400 pixels");
}

TEST(RoiLimits, ARingIsCheckedForTheFrameSize) {
  RoiSettings roi;
  roi.name = "r";
  roi.neuropil.source = NeuropilSettings::Source::kRing;
  roi.neuropil.ring.min_pixels = 100000;  // as far as the frame goes
  const std::vector<RoiSettings> rois{roi};
  check_ring_limits(rois, FrameShape{10, 10}, RoiLimits{10, 100, {}});
  expect_error(
      [&] {
        check_ring_limits(rois, FrameShape{11, 10}, RoiLimits{10, 100, {}});
      },
      "ROI 'r': neuropil ring of up to 110 pixels in 11x10 frames; the limit is 100 per region");
  std::vector<RoiSettings> small = rois;
  small[0].neuropil.ring.min_pixels = 100;
  check_ring_limits(small, FrameShape{512, 512}, RoiLimits{10, 100, {}});
}

pb::Baseline moving_baseline(int window) {
  pb::Baseline baseline;
  baseline.mutable_moving()->set_window(window);
  return baseline;
}

pb::Baseline maximin_baseline(int window, double sigma) {
  pb::Baseline baseline;
  baseline.mutable_maximin()->set_window(window);
  baseline.mutable_maximin()->set_sigma(sigma);
  return baseline;
}

RoiLimits window_limit(std::int64_t frames) {
  RoiLimits limits;
  limits.baselines.max_window = frames;
  return limits;
}

TEST(RoiLimits, EveryBaselineWindowIsHeldToMaxWindow) {
  pb::RoiSet set = rois_of(2);
  *set.mutable_rois(1)->mutable_baseline() = moving_baseline(100);
  check_roi_limits(set.rois(), pb::Config(), window_limit(100));  // exactly at the limit
  *set.mutable_rois(1)->mutable_baseline() = moving_baseline(101);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), window_limit(100)); },
               "ROI 'r1': baseline window of 101 frames (moving.window); the limit is 100 per window "
               "(--max-baseline-window)");
  *set.mutable_rois(1)->mutable_baseline() = maximin_baseline(100, 0.0);
  check_roi_limits(set.rois(), pb::Config(), window_limit(100));
  *set.mutable_rois(1)->mutable_baseline() = maximin_baseline(2147483647, 0.0);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), window_limit(100)); },
               "ROI 'r1': baseline window of 2147483647 frames (maximin.window); the limit is 100 per window "
               "(--max-baseline-window)");
  // Maximin's gaussian spans 2 * int(4 * sigma + 0.5) + 1 frames: 101 for sigma 12.6, 103 for 12.7.
  *set.mutable_rois(1)->mutable_baseline() = maximin_baseline(5, 12.6);
  check_roi_limits(set.rois(), pb::Config(), window_limit(101));
  *set.mutable_rois(1)->mutable_baseline() = maximin_baseline(5, 12.7);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), window_limit(101)); },
               "ROI 'r1': maximin sigma 12.7 smooths over 103 frames (maximin.sigma); the limit is 101 per window "
               "(--max-baseline-window)");
  // A cumulative baseline has no window.
  set.mutable_rois(1)->mutable_baseline()->mutable_cumulative();
  check_roi_limits(set.rois(), pb::Config(), window_limit(1));
}

TEST(RoiLimits, TheConfigsDefaultBaselineIsHeldToMaxWindowOnce) {
  pb::Config config;
  *config.add_rois() = rois_of(1).rois(0);
  *config.mutable_baseline() = moving_baseline(5000);
  check_roi_limits(config, window_limit(5000));
  expect_error([&] { check_roi_limits(config, window_limit(4999)); },
               "default baseline: baseline window of 5000 frames (moving.window); the limit is 4999 per window");
  expect_error([&] { check_baseline_limits(config, window_limit(4999).baselines); },
               "default baseline: baseline window of 5000 frames (moving.window)");
}

TEST(RoiLimits, AnInvalidBaselineIsTheConversionsOwnError) {
  pb::RoiSet set = rois_of(1);
  *set.mutable_rois(0)->mutable_baseline() = moving_baseline(0);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), RoiLimits{}); },
               "ROI 'r0': baseline window 0 is below 1");
  *set.mutable_rois(0)->mutable_baseline() = maximin_baseline(5, 1e19);
  expect_error([&] { check_roi_limits(set.rois(), pb::Config(), RoiLimits{}); },
               "ROI 'r0': maximin sigma 1e+19 must be between 0 (no smoothing) and 1e+06 frames");
}

BaselineSettings settings_of(const pb::Baseline& baseline) { return to_baseline_settings(baseline, "test"); }

std::string mib_text(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20); }

TEST(RoiLimits, TheSetsBaselinesAreHeldToMaxBytesTogether) {
  // 20,000 ROIs (the --max-rois default), 19,998 of them with the config's default
  // baseline, a moving median of 7000 frames: about 5.2 GiB at full windows.
  pb::Config defaults;
  *defaults.mutable_baseline() = moving_baseline(7000);
  pb::RoiSet set = rois_of(20000);
  *set.mutable_rois(7)->mutable_baseline() = maximin_baseline(1800, 10.0);
  set.mutable_rois(8)->mutable_baseline()->mutable_cumulative();
  std::vector<BaselineSettings> baselines(20000, settings_of(defaults.baseline()));
  baselines[7] = settings_of(set.rois(7).baseline());
  baselines[8] = settings_of(set.rois(8).baseline());
  const std::uint64_t total = Pipeline::max_baseline_state_bytes(baselines);
  EXPECT_GT(total, std::uint64_t{5000} << 20);

  RoiLimits limits;
  limits.baselines.max_bytes = total;  // exactly at the limit
  check_roi_limits(set.rois(), defaults, limits);
  limits.baselines.max_bytes = total - 1;
  expect_error([&] { check_roi_limits(set.rois(), defaults, limits); },
               "ROI set needs " + mib_text(total) +
                   " MiB of baseline state (20000 ROIs × windows of up to 7000 "
                   "frames); the limit is");
  limits.baselines.max_bytes = std::uint64_t{4096} << 20;  // the default
  expect_error([&] { check_roi_limits(set.rois(), defaults, limits); },
               "ROI set needs " + mib_text(total) +
                   " MiB of baseline state (20000 ROIs × windows of up to 7000 "
                   "frames); the limit is 4096 MiB (--max-baseline-mib)");

  // A set without baselines of its own takes the schema's default, a moving median of 501.
  check_roi_limits(set.rois(), pb::Config(), RoiLimits{});
}

TEST(RoiLimits, OneSlowBaselineCountsTheValuesEveryFastOneQueuesMeanwhile) {
  // Each baseline alone is small, but the 19,999 fast ROIs' settled values wait for the
  // slow one's, a million frames later: 16 bytes each, 313 GiB in all.
  pb::Config defaults;
  *defaults.mutable_baseline() = moving_baseline(3);
  pb::RoiSet set = rois_of(20000);
  *set.mutable_rois(0)->mutable_baseline() = maximin_baseline(1000000, 0.0);
  expect_error([&] { check_roi_limits(set.rois(), defaults, RoiLimits{}); },
               "MiB of baseline state (20000 ROIs × windows of up to 1000000 frames); the limit is 4096 MiB");
  *set.mutable_rois(0)->mutable_baseline() = moving_baseline(3);
  check_roi_limits(set.rois(), defaults, RoiLimits{});
}

TEST(RoiLimits, TheDefaultsAdmitTheLargestSetOfDefaultBaselines) {
  const pb::RoiSet set = rois_of(20000);
  check_roi_limits(set.rois(), pb::Config(), RoiLimits{});
}

TEST(RoiLimits, CalmonAnalyzeChecksOnlyTheBaselines) {
  pb::Config config;
  for (int i = 0; i < 30000; ++i) *config.add_rois() = rois_of(1).rois(0);  // more than max_rois
  check_baseline_limits(config, BaselineLimits{});
  *config.mutable_rois(29999)->mutable_baseline() = moving_baseline(1000001);
  expect_error([&] { check_baseline_limits(config, BaselineLimits{}); },
               "ROI 'r0': baseline window of 1000001 frames (moving.window); the limit is 1000000 per window");
}

}  // namespace
}  // namespace calmon::config
