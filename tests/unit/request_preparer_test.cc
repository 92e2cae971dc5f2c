// request_preparer_test.cc — requests parsed and ROI sets prepared on the preparer's
// thread, with the limits and the analysis defaults; the eventfd says when one is ready.
#include "daemon/request_preparer.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <string>

namespace calmon::daemon {
namespace {

const FrameGeometry kGeometry{40, 30, PixelType::kU16};

// An empty configured set, as between sessions.
RoiSetBase empty_base() { return RoiSetBase{std::make_shared<Pipeline::RoiLayout>(), false, 1}; }

pb::Config defaults() {
  pb::Config config;
  config.mutable_baseline()->mutable_moving()->set_window(7);
  config.mutable_neuropil()->mutable_ring()->set_min_pixels(20);
  return config;
}

std::string set_rois_json(int rois) {
  std::string json = R"({"set_rois": {"rois": [)";
  for (int i = 0; i < rois; ++i) {
    json += (i ? "," : "") + std::string(R"({"name": "c)") + std::to_string(i) + R"(", "region": {"pixel": {"x": )" +
            std::to_string(3 * i + 2) + R"(, "y": 5}}})";
  }
  return json + "]}}";
}

TEST(RequestPreparer, ASetRoisIsPreparedForTheGeometryWithTheDefaults) {
  const config::RoiLimits limits{10, 100, {}};
  ParsedRequest parsed = prepare_control_request(set_rois_json(3), defaults(), limits, kGeometry, empty_base());
  ASSERT_EQ(parsed.error, "");
  ASSERT_EQ(parsed.prepare_error, "");
  ASSERT_TRUE(parsed.prepared_rois);
  const PreparedRoiSet& prepared = *parsed.prepared_rois;
  EXPECT_EQ(prepared.geometry, kGeometry);
  ASSERT_TRUE(prepared.compiled);
  ASSERT_EQ(prepared.rois.size(), 3u);
  EXPECT_EQ(prepared.rois[1].baseline.window, 7);  // the analysis config's default
  ASSERT_EQ(prepared.info.rois_size(), 3);
  EXPECT_GE(prepared.info.rois(0).neuropil().mask().x_size(), 20);  // its ring, resolved
  EXPECT_EQ(prepared.info.settled_lag(), 3);

  // Without a session, only what does not depend on the frame.
  parsed = prepare_control_request(set_rois_json(3), defaults(), limits, std::nullopt, empty_base());
  ASSERT_TRUE(parsed.prepared_rois);
  EXPECT_FALSE(parsed.prepared_rois->compiled);
  EXPECT_EQ(parsed.prepared_rois->info.rois_size(), 3);
}

TEST(RequestPreparer, WhatCannotBePreparedIsAnsweredNotThrown) {
  EXPECT_EQ(
      prepare_control_request(set_rois_json(11), defaults(), {10, 100, {}}, kGeometry, empty_base()).prepare_error,
      "11 ROIs; the limit is 10 per set (--max-rois)");
  EXPECT_EQ(
      prepare_control_request(set_rois_json(3), defaults(), {10, 19, {}}, kGeometry, empty_base()).prepare_error,
      "ROI 'c0': neuropil ring of up to 20 pixels in 40x30 frames; the limit is 19 per region (--max-roi-pixels)");
  EXPECT_NE(prepare_control_request(set_rois_json(20), defaults(), {100, 100, {}}, kGeometry, empty_base())
                .prepare_error.find("outside the 40x30 frame"),
            std::string::npos);
  const ParsedRequest status =
      prepare_control_request(R"({"status": {}})", defaults(), {10, 100, {}}, kGeometry, empty_base());
  EXPECT_EQ(status.error, "");
  EXPECT_FALSE(status.prepared_rois);
  EXPECT_NE(prepare_control_request("{", defaults(), {10, 100, {}}, kGeometry, empty_base())
                .error.find("malformed control request"),
            std::string::npos);
}

// Waits for the preparer's eventfd (with a deadline), then takes the request.
ParsedRequest wait_and_take(RequestPreparer& preparer) {
  pollfd fd{preparer.notify_fd(), POLLIN, 0};
  EXPECT_EQ(poll(&fd, 1, 10000), 1) << "nothing ready within 10 s";
  std::optional<ParsedRequest> ready = preparer.take();
  EXPECT_TRUE(ready);
  return ready ? std::move(*ready) : ParsedRequest{};
}

TEST(RequestPreparer, OneRequestAtATimeOnItsThread) {
  RequestPreparer preparer(defaults(), {10, 100, {}});
  EXPECT_FALSE(preparer.busy());
  EXPECT_FALSE(preparer.take());  // nothing submitted: nothing ready
  const std::string json = set_rois_json(2);
  preparer.submit(zmq::message_t(json.data(), json.size()), kGeometry, empty_base());
  EXPECT_TRUE(preparer.busy());
  ParsedRequest first = wait_and_take(preparer);
  EXPECT_FALSE(preparer.busy());
  ASSERT_TRUE(first.prepared_rois);
  EXPECT_EQ(first.prepared_rois->geometry, kGeometry);

  // The frames changed meanwhile: the same set, prepared again for the new ones.
  const FrameGeometry other{80, 60, PixelType::kU8};
  preparer.submit_again(std::move(first), other, empty_base());
  const ParsedRequest again = wait_and_take(preparer);
  ASSERT_TRUE(again.prepared_rois);
  EXPECT_EQ(again.prepared_rois->geometry, other);
  EXPECT_EQ(again.prepared_rois->compiled->shape().width, 80);
}

}  // namespace
}  // namespace calmon::daemon
