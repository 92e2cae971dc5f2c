// live_table_test.cc — calmon-sub's terminal table: the status line from the daemon's
// Status, the frame line and one row per shown ROI from the newest update, redrawn in
// place (cursor up over the last drawing) at most rate_hz times a second and only when
// something changed; the cursor hidden while it runs and shown again at the end.
#include "sub/live_table.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "captured_output.h"
#include "sub_messages.h"

namespace calmon::sub_tool {
namespace {

using namespace std::chrono_literals;
using test::add_motion;
using test::add_settled;
using test::end_of_stream;
using test::frame_update;
using test::roi_set;

constexpr const char* kHideCursor = "\x1b[?25l";
constexpr const char* kShowCursor = "\x1b[?25h";
constexpr const char* kClearBelow = "\x1b[J";

pb::Status streaming_status() {
  pb::Status status;
  status.set_streaming(true);
  status.set_frame_rate_hz(30.0);
  status.set_latency_p50_us(120.0);
  status.set_latency_max_us(900.0);
  return status;
}

TEST(LiveTable, DrawsTheStatusTheFrameAndOneRowPerRoi) {
  test::CapturedOutput out;
  RoiColumns columns({});
  columns.on_roi_set(roi_set(1, {"cell1", "np"}));
  {
    LiveTable table(columns, true, 10.0, "tcp://127.0.0.1:5571", out.file());
    table.on_status(streaming_status());
    pb::TraceUpdate update = frame_update(1234, 1, {0.1234, -0.05});
    add_settled(update, 1232, 1, {0.0456, NAN});
    table.on_update(update);
    table.refresh(Display::Clock::time_point{} + 1s);
    EXPECT_EQ(out.text(), std::string(kHideCursor) + kClearBelow +
                              "calmon-sub ← tcp://127.0.0.1:5571 · streaming · 30.0 frames/s · "
                              "latency p50 0.12 ms, max 0.90 ms\n"
                              "frame 1234 · sequence 1334 · ROI set 1 · settled up to frame 1232\n"
                              "ROI     ΔF/F₀ live   ΔF/F₀ settled  recent ΔF/F₀\n"
                              "cell1      +0.1234         +0.0456  ▄\n"
                              "np         -0.0500             nan  ▄\n");
  }
  EXPECT_TRUE(out.text().ends_with(kShowCursor));  // shown again, even without finish()
}

TEST(LiveTable, TheFrameLineShowsTheFramesTimeInSeconds) {
  test::CapturedOutput out;
  RoiColumns columns({});
  columns.on_roi_set(roi_set(1, {"cell1"}));
  LiveTable table(columns, false, 10.0, "tcp://127.0.0.1:5571", out.file());
  pb::TraceUpdate timed = frame_update(7, 1, {0.5});
  timed.set_time_s(12.3456);
  table.on_update(timed);
  table.refresh(Display::Clock::time_point{} + 1s);
  EXPECT_NE(out.text().find("frame 7 · 12.346 s · sequence 107 · ROI set 1\n"), std::string::npos) << out.text();
}

TEST(LiveTable, TheFrameLineShowsTheShiftAndMarksAFailedRegistration) {
  test::CapturedOutput out;
  RoiColumns columns({});
  columns.on_roi_set(roi_set(1, {"cell1"}));
  LiveTable table(columns, false, 10.0, "tcp://127.0.0.1:5571", out.file());
  pb::TraceUpdate registered = frame_update(7, 1, {0.5});
  add_motion(registered, -1.234, 0.4);
  table.on_update(registered);
  table.refresh(Display::Clock::time_point{} + 1s);
  EXPECT_NE(out.text().find("frame 7 · sequence 107 · ROI set 1 · shift dy -1.23 dx +0.40 px\n"), std::string::npos)
      << out.text();
  pb::TraceUpdate failed = frame_update(8, 1, {0.5});
  add_motion(failed, 0, 0, 4);
  table.on_update(failed);
  table.refresh(Display::Clock::time_point{} + 2s);
  EXPECT_NE(out.text().find("frame 8 · sequence 108 · ROI set 1 · shift dy +0.00 dx +0.00 px ✗ at max shift\n"),
            std::string::npos)
      << out.text();
}

TEST(LiveTable, WaitsForCalmondUntilAStatusArrives) {
  test::CapturedOutput out;
  RoiColumns columns({});
  LiveTable table(columns, false, 10.0, "tcp://h:1", out.file());
  table.finish();
  EXPECT_EQ(out.text(),
            std::string(kHideCursor) + kClearBelow + "calmon-sub ← tcp://h:1 · waiting for calmond…\n" + kShowCursor);
}

TEST(LiveTable, RedrawsInPlaceAtMostRateTimesASecondAndOnlyWhenSomethingChanged) {
  test::CapturedOutput out;
  RoiColumns columns({});
  LiveTable table(columns, false, 4.0, "tcp://h:1", out.file());  // every 250 ms at most
  const Display::Clock::time_point start{};
  table.on_update(frame_update(0, 1, {1.0}));
  EXPECT_EQ(table.refresh(start + 1s), 250ms);
  const std::size_t first_drawing = out.text().size();
  EXPECT_EQ(table.refresh(start + 1100ms), 250ms);  // nothing changed: nothing drawn
  EXPECT_EQ(out.text().size(), first_drawing);

  table.on_update(frame_update(1, 1, {3.0}));
  EXPECT_EQ(table.refresh(start + 1100ms), 150ms);  // changed, but not yet due
  EXPECT_EQ(out.text().size(), first_drawing);
  table.refresh(start + 1250ms);
  const std::string second = out.text().substr(first_drawing);
  // Up 4 lines (status, frame, header, one row) to the first drawing, cleared, redrawn;
  // the sparkline holds both values now.
  EXPECT_TRUE(second.starts_with(std::string("\x1b[4F") + kClearBelow)) << second;
  EXPECT_NE(second.find("#0       +3.0000  ▁█\n"), std::string::npos) << second;
}

TEST(LiveTable, SaysTheStreamEndedAndLeavesSettledOutUnlessAsked) {
  test::CapturedOutput out;
  RoiColumns columns({});
  LiveTable table(columns, false, 10.0, "tcp://h:1", out.file());
  pb::TraceUpdate update = frame_update(7, 1, {0.5});
  add_settled(update, 6, 1, {0.25});
  table.on_update(update);
  table.on_update(end_of_stream(8));
  table.finish();
  const std::string text = out.text();
  EXPECT_NE(text.find("frame 7 · sequence 107 · ROI set 1 · end of stream\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ROI   ΔF/F₀ live  recent ΔF/F₀\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("settled"), std::string::npos) << text;
}

}  // namespace
}  // namespace calmon::sub_tool
