// trace_segment_test.cc — one folder of trace files: row r is frame first_frame + r, a
// frame whose update never came gets a NaN row with flag 8, every header counts every
// row once flushed (and each file is a whole .npy after every flush), and an update that
// does not fit the folder is refused with one line naming the frame.
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
