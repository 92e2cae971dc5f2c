// frame_file_order_test.cc — one channel's frame files out of a folder's listing, in
// acquisition order (numbers compared as numbers, not as text), gaps kept visible;
// PrairieView's names and globs for other software.
#include "io/frame_file_order.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace calmon::io {
namespace {

std::vector<std::string> names_of(const std::vector<FrameFile>& files) {
  std::vector<std::string> names;
  for (const FrameFile& file : files) names.push_back(file.name);
  return names;
}

std::vector<std::uint64_t> gaps_of(const std::vector<FrameFile>& files) {
  std::vector<std::uint64_t> gaps;
  for (const FrameFile& file : files) gaps.push_back(file.missing_before);
  return gaps;
}

TEST(FrameFileOrder, ReadsCycleChannelAndIndexFromPrairieViewsName) {
  const auto file = parse_prairieview_frame_name("TSeries-12022026-1200-001_Cycle00003_Ch2_000017.ome.tif");
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->cycle, 3u);
  EXPECT_EQ(file->channel, 2u);
  EXPECT_EQ(file->index, 17u);
  EXPECT_EQ(file->name, "TSeries-12022026-1200-001_Cycle00003_Ch2_000017.ome.tif");
  // PrairieView 4 named the parameter set between cycle and channel, and wrote plain .tif.
  const auto old_name = parse_prairieview_frame_name("t00004-001_Cycle012_CurrentSettings_Ch1_000003.tif");
  ASSERT_TRUE(old_name.has_value());
  EXPECT_EQ(old_name->cycle, 12u);
  EXPECT_EQ(old_name->channel, 1u);
  EXPECT_EQ(old_name->index, 3u);
  for (const char* other : {"TSeries-001.xml", "TSeries-001_Cycle00001_VoltageRecording_001.csv",
                            "TSeries-001_Cycle00001_Ch2_000001.ome.tif.tmp", "TSeries-001_Cycle00001_Ch2_.ome.tif",
                            "TSeries-001_Cycle00001_ChX_000001.ome.tif", "TSeries-001_Cycle_Ch2_000001.ome.tif",
                            "TSeries-001_Cycle00001_Ch2_000001x.ome.tif", "TSeries-001_Cycle00001x_Ch2_000001.ome.tif",
                            "TSeries-001_Cycle99999999999_Ch2_000001.ome.tif"}) {
    EXPECT_FALSE(parse_prairieview_frame_name(other).has_value()) << other;
  }
}

TEST(FrameFileOrder, OrdersOneChannelsFilesByCycleThenIndexAsNumbers) {
  const std::vector<std::string> listing = {
      "s_Cycle00001_Ch2_1000000.ome.tif", "s_Cycle00001_Ch1_000002.ome.tif", "s.xml",
      "s_Cycle00001_Ch2_000010.ome.tif",  "s_Cycle00001_Ch2_000002.ome.tif", "s_Cycle00001_Ch2_999999.ome.tif",
      "s_Cycle00001_Ch2_000001.ome.tif",  "s_Cycle00001_Ch2_000009.ome.tif", "s.env"};
  EXPECT_EQ(names_of(prairieview_channel_files(listing, 2)),
            (std::vector<std::string>{"s_Cycle00001_Ch2_000001.ome.tif", "s_Cycle00001_Ch2_000002.ome.tif",
                                      "s_Cycle00001_Ch2_000009.ome.tif", "s_Cycle00001_Ch2_000010.ome.tif",
                                      "s_Cycle00001_Ch2_999999.ome.tif", "s_Cycle00001_Ch2_1000000.ome.tif"}));
  EXPECT_EQ(names_of(prairieview_channel_files(listing, 1)),
            (std::vector<std::string>{"s_Cycle00001_Ch1_000002.ome.tif"}));
  EXPECT_TRUE(prairieview_channel_files(listing, 3).empty());
}

TEST(FrameFileOrder, MissingFilesStayVisibleAsGaps) {
  // Frames 3, 4 and 7 of a T-series are not there (yet).
  const std::vector<std::string> listing = {"s_Cycle00001_Ch2_000008.ome.tif", "s_Cycle00001_Ch2_000001.ome.tif",
                                            "s_Cycle00001_Ch2_000005.ome.tif", "s_Cycle00001_Ch2_000002.ome.tif",
                                            "s_Cycle00001_Ch2_000006.ome.tif"};
  const std::vector<FrameFile> files = prairieview_channel_files(listing, 2);
  EXPECT_EQ(gaps_of(files), (std::vector<std::uint64_t>{0, 0, 2, 0, 1}));
  // A multi-plane series: each cycle a volume, each index a plane. Cycle 2 lacks its
  // first plane, cycle 3 its second.
  const std::vector<std::string> volumes = {"v_Cycle00002_Ch1_000002.ome.tif", "v_Cycle00001_Ch1_000001.ome.tif",
                                            "v_Cycle00003_Ch1_000001.ome.tif", "v_Cycle00001_Ch1_000002.ome.tif",
                                            "v_Cycle00003_Ch1_000003.ome.tif", "v_Cycle00010_Ch1_000001.ome.tif"};
  const std::vector<FrameFile> planes = prairieview_channel_files(volumes, 1);
  EXPECT_EQ(names_of(planes),
            (std::vector<std::string>{"v_Cycle00001_Ch1_000001.ome.tif", "v_Cycle00001_Ch1_000002.ome.tif",
                                      "v_Cycle00002_Ch1_000002.ome.tif", "v_Cycle00003_Ch1_000001.ome.tif",
                                      "v_Cycle00003_Ch1_000003.ome.tif", "v_Cycle00010_Ch1_000001.ome.tif"}));
  EXPECT_EQ(gaps_of(planes), (std::vector<std::uint64_t>{0, 0, 1, 0, 1, 0}));
}

TEST(FrameFileOrder, GlobMatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(glob_matches("frame_*.tif", "frame_0001.tif"));
  EXPECT_TRUE(glob_matches("frame_*.tif", "frame_.tif"));
  EXPECT_TRUE(glob_matches("*", "anything"));
  EXPECT_TRUE(glob_matches("img_??.tif", "img_07.tif"));
  EXPECT_TRUE(glob_matches("*_Ch2_*.ome.tif", "s_Cycle00001_Ch2_000001.ome.tif"));
  EXPECT_TRUE(glob_matches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_matches("img_??.tif", "img_007.tif"));
  EXPECT_FALSE(glob_matches("frame_*.tif", "frame_0001.tif.tmp"));
  EXPECT_FALSE(glob_matches("frame_*.tif", "Frame_0001.tif"));  // case counts, as on Linux
  EXPECT_FALSE(glob_matches("*_Ch2_*.ome.tif", "s_Cycle00001_Ch1_000001.ome.tif"));
  EXPECT_FALSE(glob_matches("a*b*c", "aXbYbZ"));
  EXPECT_FALSE(glob_matches("", "x"));
  EXPECT_TRUE(glob_matches("", ""));
}

TEST(FrameFileOrder, NaturalOrderComparesDigitRunsAsNumbers) {
  EXPECT_TRUE(natural_less("x_9.tif", "x_10.tif"));
  EXPECT_FALSE(natural_less("x_10.tif", "x_9.tif"));
  EXPECT_TRUE(natural_less("x_2_5.tif", "x_10_1.tif"));
  EXPECT_TRUE(natural_less("x_0009.tif", "x_10.tif"));
  EXPECT_TRUE(natural_less("a.tif", "b.tif"));
  EXPECT_TRUE(natural_less("x_1", "x_1b"));
  EXPECT_FALSE(natural_less("x_5.tif", "x_5.tif"));
  EXPECT_NE(natural_less("x_01.tif", "x_1.tif"), natural_less("x_1.tif", "x_01.tif"));  // a strict order all the same
  EXPECT_TRUE(natural_less("x_99999999999999999999999.tif", "x_100000000000000000000000.tif"));  // beyond 64 bits
}

TEST(FrameFileOrder, GlobFilesComeInNaturalOrderWithTheirLastNumberAsIndex) {
  const std::vector<std::string> listing = {"run_b_10.tif", "run_b_9.tif",  "run_b_1.tif",     "notes.txt",
                                            "run_b_2.tif",  "run_b_12.tif", "run_b_9.tif.part"};
  const std::vector<FrameFile> files = glob_frame_files(listing, "run_b_*.tif");
  EXPECT_EQ(names_of(files),
            (std::vector<std::string>{"run_b_1.tif", "run_b_2.tif", "run_b_9.tif", "run_b_10.tif", "run_b_12.tif"}));
  EXPECT_EQ(files[3].index, 10u);
  EXPECT_EQ(files[3].channel, 0u);
  EXPECT_EQ(gaps_of(files), (std::vector<std::uint64_t>{0, 0, 6, 0, 1}));
  EXPECT_TRUE(glob_frame_files(listing, "*.ome.tif").empty());
}

TEST(FrameFileOrder, NextSeriesFileCountsUpTheLastNumberBeforeTheExtension) {
  EXPECT_EQ(next_series_file_name("name_00001_00001.tif"), "name_00001_00002.tif");
  EXPECT_EQ(next_series_file_name("/data/2p/m3_00002_00009.tif"), "/data/2p/m3_00002_00010.tif");
  EXPECT_EQ(next_series_file_name("x_99.tif"), "x_100.tif");  // padding kept, not a limit
  EXPECT_EQ(next_series_file_name("run7/a_01.ome.tif"), "run7/a_02.ome.tif");
  EXPECT_EQ(next_series_file_name("a_00009"), "a_00010");
  EXPECT_EQ(next_series_file_name("a_5_.tif"), "a_6_.tif");
  EXPECT_FALSE(next_series_file_name("run7/movie.tif").has_value());  // the folder's digits do not count
  EXPECT_FALSE(next_series_file_name("a_12345678901234567890.tif").has_value());
}

TEST(FrameFileOrder, FileNameWithNumberReplacesTheFramesNumberKeepingItsPadding) {
  EXPECT_EQ(file_name_with_number("s_Cycle00001_Ch2_000011.ome.tif", 10), "s_Cycle00001_Ch2_000010.ome.tif");
  EXPECT_EQ(file_name_with_number("frame_10.tif", 9), "frame_09.tif");
  EXPECT_EQ(file_name_with_number("frame_7.tif", 12), "frame_12.tif");
  EXPECT_FALSE(file_name_with_number("frame.tif", 1).has_value());
}

}  // namespace
}  // namespace calmon::io
