// plain_lines_test.cc — calmon-sub's piped output: a names line when a set arrives or
// changes, one key=value line per frame with the exact ΔF/F₀ (and the frame's shift, with
// motion correction), settled lines only with
// --settled, the end of stream said; each update's lines flushed at once.
#include "sub/plain_lines.h"

#include <gtest/gtest.h>

#include <cmath>

#include "captured_output.h"
#include "sub_messages.h"

namespace calmon::sub_tool {
namespace {

using test::add_motion;
using test::add_settled;
using test::end_of_stream;
using test::frame_update;
using test::roi_set;

TEST(PlainLines, ANamesLineWhenASetArrivesOrChangesOnly) {
  test::CapturedOutput out;
  RoiColumns columns({});
  PlainLines lines(columns, false, out.file());
  lines.on_roi_set(roi_set(1, {"cell1", "cell2"}));
  lines.on_roi_set(roi_set(1, {"cell1", "cell2"}));  // the daemon repeats its sets
  lines.on_roi_set(roi_set(2, {}));
  lines.on_roi_set(roi_set(1, {"cell1", "np"}));
  EXPECT_EQ(out.text(), "# ROI set 1: cell1, cell2\n# ROI set 2: no ROIs\n# ROI set 1: cell1, np\n");
}

TEST(PlainLines, OneLinePerFrameWithTheExactValuesFlushedAtOnce) {
  test::CapturedOutput out;
  RoiColumns columns({});
  columns.on_roi_set(roi_set(1, {"a", "b"}));
  PlainLines lines(columns, false, out.file());
  lines.on_update(frame_update(12, 1, {0.1 + 0.2, NAN}));
  // The shortest text that reads back to the same double: 0.30000000000000004.
  EXPECT_EQ(out.text(), "frame=12 seq=112 a=0.30000000000000004 b=nan\n");
}

TEST(PlainLines, TheFramesShiftExactlyBeforeTheValuesAndAFailureNamed) {
  test::CapturedOutput out;
  RoiColumns columns({});
  columns.on_roi_set(roi_set(1, {"a"}));
  PlainLines lines(columns, false, out.file());
  pb::TraceUpdate registered = frame_update(12, 1, {0.5});
  add_motion(registered, -1.2, 0.1 + 0.2);
  lines.on_update(registered);
  pb::TraceUpdate failed = frame_update(13, 1, {0.25});
  add_motion(failed, 0, 0, 3);
  lines.on_update(failed);
  pb::TraceUpdate unknown = frame_update(14, 1, {0.25});
  add_motion(unknown, 0, 0, 9);
  lines.on_update(unknown);
  lines.on_update(frame_update(15, 1, {1}));  // no motion correction: no keys
  EXPECT_EQ(out.text(),
            "frame=12 seq=112 dy=-1.2 dx=0.30000000000000004 a=0.5\n"
            "frame=13 seq=113 dy=0 dx=0 motion_failed=low_peak a=0.25\n"
            "frame=14 seq=114 dy=0 dx=0 motion_failed=failure_9 a=0.25\n"
            "frame=15 seq=115 a=1\n");
}

TEST(PlainLines, TheFramesTimeInSecondsComesFirstWhenCalmondKnowsIt) {
  test::CapturedOutput out;
  RoiColumns columns({});
  columns.on_roi_set(roi_set(1, {"a"}));
  PlainLines lines(columns, false, out.file());
  pb::TraceUpdate timed = frame_update(12, 1, {0.5});
  timed.set_time_s(0.1 + 0.3);
  add_motion(timed, -1.2, 0.5);
  lines.on_update(timed);
  EXPECT_EQ(out.text(), "frame=12 seq=112 t=0.4 dy=-1.2 dx=0.5 a=0.5\n");
}

TEST(PlainLines, UnknownNamesAreIndicesAndChosenNamesWaitForTheSet) {
  test::CapturedOutput out;
  RoiColumns all({});
  PlainLines by_index(all, false, out.file());
  by_index.on_update(frame_update(0, 1, {1.5, -2}));
  EXPECT_EQ(out.text(), "frame=0 seq=100 #0=1.5 #1=-2\n");

  test::CapturedOutput chosen_out;
  RoiColumns chosen({"b"});
  PlainLines by_name(chosen, false, chosen_out.file());
  by_name.on_update(frame_update(0, 1, {1.5, -2}));
  chosen.on_roi_set(roi_set(1, {"a", "b"}));
  by_name.on_update(frame_update(1, 1, {1.5, -2}));
  EXPECT_EQ(chosen_out.text(), "frame=0 seq=100\nframe=1 seq=101 b=-2\n");
}

TEST(PlainLines, SettledLinesOnlyWhenAskedAndTheEndOfStreamSaid) {
  for (const bool settled : {false, true}) {
    test::CapturedOutput out;
    RoiColumns columns({});
    columns.on_roi_set(roi_set(1, {"a"}));
    PlainLines lines(columns, settled, out.file());
    pb::TraceUpdate update = frame_update(5, 1, {0.25});
    add_settled(update, 3, 1, {0.125});
    lines.on_update(update);
    pb::TraceUpdate last = end_of_stream(6);
    add_settled(last, 4, 1, {-0.5});
    lines.on_update(last);
    EXPECT_EQ(out.text(), settled ? "frame=5 seq=105 a=0.25\nsettled frame=3 seq=103 a=0.125\n"
                                    "settled frame=4 seq=104 a=-0.5\n# end of stream after 6 frames\n"
                                  : "frame=5 seq=105 a=0.25\n# end of stream after 6 frames\n");
  }
}

}  // namespace
}  // namespace calmon::sub_tool
