// trace_segment_test.cc — one folder of trace files: row r is frame first_frame + r, a
// frame whose update never came gets a NaN row with flag 8, every header counts every
// row once flushed (and each file is a whole .npy after every flush), and an update that
// does not fit the folder is refused with one line naming the frame. With motion, the
// motion files get a row per live row (NaN, NaN, 255 for a frame not received); with
// times, time.npy a time per live row (NaN for a frame not received).
#include "record/trace_segment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "record_messages.h"
#include "test_support.h"

namespace calmon::record_tool {
namespace {

using test::frame_update;
using test::npy_row;
using test::settled_row;

const std::vector<std::string> kFiles = {"F.npy",          "Fneu.npy",        "Fcorr.npy",
                                         "F0_live.npy",    "dff_live.npy",    "flags_live.npy",
                                         "F0_settled.npy", "dff_settled.npy", "flags_settled.npy"};

std::string make_folder() { return calmon::test::temp_dir("record_trace_segment").string(); }

TEST(TraceSegment, RowsStayAlignedToFrameIndicesWithNotReceivedRowsInGaps) {
  const std::string folder = make_folder();
  TraceSegment segment(folder, 10, 2, false);
  EXPECT_EQ(segment.append_live(frame_update(10)), 0);
  EXPECT_EQ(segment.append_live(frame_update(13)), 2);  // 11 and 12 never arrived
  EXPECT_EQ(segment.live_end(), 14);
  segment.flush();
  EXPECT_EQ(io::count_npy_rows(folder + "/F.npy").in_header, 4u);
  EXPECT_EQ(npy_row<double>(folder + "/F.npy", 0), (std::vector<double>{10.0, 11.0}));
  EXPECT_EQ(npy_row<double>(folder + "/dff_live.npy", 3), (std::vector<double>{0.13, 0.14}));
  for (const std::size_t gap : {1u, 2u}) {
    for (const double value : npy_row<double>(folder + "/F.npy", gap)) EXPECT_TRUE(std::isnan(value));
    EXPECT_EQ(npy_row<std::uint8_t>(folder + "/flags_live.npy", gap),
              (std::vector<std::uint8_t>{kFlagNotReceived, kFlagNotReceived}));
  }
  EXPECT_EQ(npy_row<std::uint8_t>(folder + "/flags_live.npy", 3), (std::vector<std::uint8_t>{0, 0}));
}

TEST(TraceSegment, WithMotionEveryLiveRowHasAMotionRowAndFramesNotReceivedAreNaNAnd255) {
  const std::string folder = make_folder();
  const pb::FrameMotion rigid_only;
  TraceSegment segment(folder, 0, 2, false, &rigid_only);
  EXPECT_TRUE(segment.has_motion());
  pb::TraceUpdate first = frame_update(0);
  first.mutable_motion()->set_dy(-1.5);
  first.mutable_motion()->set_dx(0.25);
  first.mutable_motion()->set_peak(0.4);
  segment.append_live(first);
  pb::TraceUpdate failed = frame_update(2);  // frame 1 never arrived
  failed.mutable_motion()->set_peak(0.01);
  failed.mutable_motion()->set_failed(3);
  segment.append_live(failed);
  pb::TraceUpdate odd = frame_update(3);  // a code beyond a byte, kept as "not received"
  odd.mutable_motion()->set_failed(1000);
  segment.append_live(odd);
  segment.append_live(frame_update(4));  // no motion in a folder that has it
  EXPECT_EQ(segment.pad_live_to(6), 1);
  segment.flush();
  for (const char* name : {"motion.npy", "motion_peak.npy", "motion_failed.npy"}) {
    EXPECT_EQ(io::count_npy_rows(folder + "/" + name).in_header, 6u) << name;
  }
  EXPECT_EQ(npy_row<double>(folder + "/motion.npy", 0), (std::vector<double>{-1.5, 0.25}));
  EXPECT_EQ(npy_row<double>(folder + "/motion.npy", 2), (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(npy_row<double>(folder + "/motion_peak.npy", 2), (std::vector<double>{0.01}));
  for (const std::size_t missing : {1u, 4u, 5u}) {
    for (const double value : npy_row<double>(folder + "/motion.npy", missing)) EXPECT_TRUE(std::isnan(value));
    EXPECT_TRUE(std::isnan(npy_row<double>(folder + "/motion_peak.npy", missing)[0]));
  }
  std::vector<std::uint8_t> codes;
  for (std::size_t row = 0; row < 6; ++row)
    codes.push_back(npy_row<std::uint8_t>(folder + "/motion_failed.npy", row)[0]);
  EXPECT_EQ(codes, (std::vector<std::uint8_t>{0, kMotionNotReceived, 3, kMotionNotReceived, kMotionNotReceived,
                                              kMotionNotReceived}));
}

TEST(TraceSegment, PiecewiseBlocksGoToMotionBlocksAndAFailedFrameIsNaN) {
  const std::string folder = make_folder();
  pb::FrameMotion grid;
  grid.set_block_rows(1);
  grid.set_block_cols(2);
  TraceSegment segment(folder, 0, 2, false, &grid);
  pb::TraceUpdate first = frame_update(0);
  *first.mutable_motion() = grid;
  for (const double dy : {-1.0, -1.5}) first.mutable_motion()->add_block_dy(dy);
  for (const double dx : {0.5, 0.75}) first.mutable_motion()->add_block_dx(dx);
  segment.append_live(first);
  pb::TraceUpdate failed = frame_update(1);  // used unshifted: no block shifts
  *failed.mutable_motion() = grid;
  failed.mutable_motion()->set_failed(3);
  segment.append_live(failed);
  segment.flush();
  EXPECT_EQ(io::count_npy_rows(folder + "/motion_blocks.npy").in_header, 2u);
  EXPECT_EQ(npy_row<double>(folder + "/motion_blocks.npy", 0), (std::vector<double>{-1.0, 0.5, -1.5, 0.75}));
  for (const double value : npy_row<double>(folder + "/motion_blocks.npy", 1)) EXPECT_TRUE(std::isnan(value));
}

TEST(TraceSegment, WithoutMotionNoMotionFiles) {
  const std::string folder = make_folder();
  TraceSegment segment(folder, 0, 2, false);
  pb::TraceUpdate update = frame_update(0);
  update.mutable_motion()->set_dy(1.0);  // not this folder's business: its first update had none
  segment.append_live(update);
  segment.flush();
  EXPECT_FALSE(segment.has_motion());
  EXPECT_FALSE(std::filesystem::exists(folder + "/motion.npy"));
}

TEST(TraceSegment, TimedFoldersWriteEachLiveRowsTimeAndNaNWhereNoneCame) {
  const std::string folder = make_folder();
  TraceSegment segment(folder, 0, 2, false, nullptr, true);
  EXPECT_TRUE(segment.has_time());
  pb::TraceUpdate first = frame_update(0);
  first.set_time_s(0.0);
  segment.append_live(first);
  pb::TraceUpdate later = frame_update(2);  // frame 1 never arrived
  later.set_time_s(0.1);
  segment.append_live(later);
  segment.append_live(frame_update(3));  // an update without a time in a timed folder
  segment.flush();
  EXPECT_EQ(io::count_npy_rows(folder + "/time.npy").in_header, 4u);
  EXPECT_EQ(npy_row<double>(folder + "/time.npy", 0), (std::vector<double>{0.0}));
  EXPECT_EQ(npy_row<double>(folder + "/time.npy", 2), (std::vector<double>{0.1}));
  for (const std::size_t row : {1u, 3u}) EXPECT_TRUE(std::isnan(npy_row<double>(folder + "/time.npy", row)[0]));

  const std::string untimed = make_folder();
  TraceSegment plain(untimed, 0, 2, false);
  plain.append_live(first);  // not this folder's business: it was made without times
  plain.flush();
  EXPECT_FALSE(plain.has_time());
  EXPECT_FALSE(std::filesystem::exists(untimed + "/time.npy"));
}

TEST(TraceSegment, SettledRowsOfOtherFoldersOrAlreadyWrittenAreLeftOut) {
  const std::string folder = make_folder();
  TraceSegment segment(folder, 5, 2, false);
  EXPECT_FALSE(segment.append_settled(settled_row(4)));  // before this folder's first frame
  EXPECT_TRUE(segment.append_settled(settled_row(5)));
  EXPECT_FALSE(segment.append_settled(settled_row(5)));  // written already
  EXPECT_TRUE(segment.append_settled(settled_row(8)));   // 6 and 7 padded
  EXPECT_EQ(segment.settled_end(), 9);
  EXPECT_EQ(segment.pad_settled_to(11), 2);
  EXPECT_EQ(segment.pad_live_to(3), 0);  // nothing before the first frame
  segment.flush();
  EXPECT_EQ(io::count_npy_rows(folder + "/dff_settled.npy").in_header, 6u);
  EXPECT_EQ(npy_row<double>(folder + "/dff_settled.npy", 3), (std::vector<double>{0.8, 0.8}));
  EXPECT_EQ(npy_row<std::uint8_t>(folder + "/flags_settled.npy", 1),
            (std::vector<std::uint8_t>{kFlagNotReceived, kFlagNotReceived}));
}

TEST(TraceSegment, EveryFlushLeavesWholeFilesWhoseHeadersCountEveryRow) {
  const std::string folder = make_folder();
  TraceSegment segment(folder, 0, 3, true);
  for (std::int64_t frame = 0; frame < 5; ++frame) {
    segment.append_live(frame_update(frame, 3));
    if (frame >= 2) segment.append_settled(settled_row(frame - 2, 3));
    segment.flush();
    for (const std::string& name : kFiles) {
      const io::NpyRowCount count = io::count_npy_rows(folder + "/" + name);
      const bool settled = name.find("settled") != std::string::npos;  // two frames behind
      const auto expected = static_cast<std::size_t>(settled ? std::max<std::int64_t>(0, frame - 1) : frame + 1);
      EXPECT_EQ(count.in_header, expected) << name << " after frame " << frame;
      EXPECT_EQ(count.whole, expected) << name << " after frame " << frame;  // no bytes past the header's rows
    }
    // Global traces were asked for, and this update had none: a NaN row.
    EXPECT_EQ(io::count_npy_rows(folder + "/global_mean.npy").in_header, static_cast<std::size_t>(frame + 1));
  }
  if (calmon::test::python_has("numpy")) {
    const std::string script =
        "import numpy as np, sys\nd = sys.argv[1]\n"
        "assert np.load(d + '/F.npy').shape == (5, 3)\n"
        "assert np.load(d + '/flags_settled.npy').shape == (3, 3)\n"
        "assert np.isnan(np.load(d + '/global_mean.npy')).all()\n";
    EXPECT_EQ(calmon::test::run_python(folder + "/check.py", script, folder), 0);
  }
}

TEST(TraceSegment, AnUpdateThatDoesNotFitIsRefusedNamingTheFrame) {
  const std::string folder = make_folder();
  TraceSegment segment(folder, 0, 2, false);
  try {
    segment.append_live(frame_update(0, 3));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "frame 0: f has 3 values, the ROI set has 2 ROIs");
  }
  segment.append_live(frame_update(4));
  try {
    segment.append_live(frame_update(2));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "frame 2 arrived after frame 4");
  }
  EXPECT_EQ(segment.live_end(), 5);  // nothing written by the refused updates
}

}  // namespace
}  // namespace calmon::record_tool
