// scanimage_metadata_test.cc — ScanImage's header and page text parsed into structs, every value
// form, bad values and contradictions as one-line errors, and the page order.
#include "io/scanimage_metadata.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace calmon::io {
namespace {

// Shaped like the non-varying frame data of a two-channel fast-z acquisition: keys in
// ScanImage's names, values in its MATLAB forms, with keys the parser does not need around them.
const char* const kFastZHeader =
    "SI.LINE_FORMAT_VERSION = 1\n"
    "SI.TIFF_FORMAT_VERSION = 3\n"
    "SI.VERSION_MAJOR = '2016b'\n"
    "SI.VERSION_MINOR = '1'\n"
    "SI.acqState = 'grab'\n"
    "SI.hBeams.powerLimits = [100 100]\n"
    "SI.hBeams.lengthConstants = [Inf Inf]\n"
    "SI.hChannels.channelSave = [1;2]\n"
    "SI.hChannels.channelType = {'stripe' 'stripe'}\n"
    "SI.hFastZ.enable = true\n"
    "SI.hFastZ.numVolumes = 500\n"
    "SI.hRoiManager.scanFrameRate = 90.12\n"
    "SI.hRoiManager.scanVolumeRate = 30.04\n"
    "SI.hScan2D.logFramesPerFile = 500\n"
    "SI.hStackManager.actualNumSlices = 3\n"
    "SI.hStackManager.framesPerSlice = 1\n"
    "SI.hStackManager.numSlices = 3\n";

TEST(ScanImageHeader, ReadsAFastZAcquisition) {
  const ScanImageHeader header = parse_scanimage_header(kFastZHeader);
  EXPECT_EQ(header.version, "2016b");
  EXPECT_EQ(header.saved_channels, (std::vector<int>{1, 2}));
  EXPECT_EQ(header.channels(), 2);
  EXPECT_EQ(header.slices, 3);
  EXPECT_EQ(header.frames_per_slice, 1);
  EXPECT_EQ(header.volumes, 500);
  EXPECT_DOUBLE_EQ(*header.frame_rate_hz, 90.12);
  EXPECT_DOUBLE_EQ(*header.volume_rate_hz, 30.04);
  EXPECT_EQ(header.frames_per_file, 500);
  EXPECT_TRUE(header.fast_z);
  EXPECT_EQ(header.pages_per_volume(), 6);
}

TEST(ScanImageHeader, DefaultsWhenKeysAreAbsent) {
  const ScanImageHeader header = parse_scanimage_header("SI.acqState = 'grab'\n");
  EXPECT_EQ(header.version, "");
  EXPECT_EQ(header.saved_channels, (std::vector<int>{1}));
  EXPECT_EQ(header.slices, 1);
  EXPECT_EQ(header.frames_per_slice, 1);
  EXPECT_FALSE(header.volumes);
  EXPECT_FALSE(header.frame_rate_hz);
  EXPECT_FALSE(header.volume_rate_hz);
  EXPECT_FALSE(header.frames_per_file);
  EXPECT_FALSE(header.fast_z);
}

TEST(ScanImageHeader, ReadsEveryValueForm) {
  EXPECT_EQ(parse_scanimage_header("SI.hChannels.channelSave = [1 2 4]").saved_channels, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(parse_scanimage_header("SI.hChannels.channelSave = [2,3]").saved_channels, (std::vector<int>{2, 3}));
  EXPECT_EQ(parse_scanimage_header("SI.hChannels.channelSave = 3").saved_channels, (std::vector<int>{3}));
  EXPECT_EQ(parse_scanimage_header("SI.hChannels.channelSave = [4]").saved_channels, (std::vector<int>{4}));
  EXPECT_EQ(parse_scanimage_header("SI.VERSION_MAJOR = 2020").version, "2020");
  EXPECT_EQ(parse_scanimage_header("SI.VERSION_MAJOR = 'it''s'").version, "it's");
  EXPECT_DOUBLE_EQ(*parse_scanimage_header("SI.hRoiManager.scanFrameRate = 30").frame_rate_hz, 30.0);
  EXPECT_DOUBLE_EQ(*parse_scanimage_header("SI.hRoiManager.scanFrameRate = 1.5e1").frame_rate_hz, 15.0);
  EXPECT_FALSE(parse_scanimage_header("SI.hScan2D.logFramesPerFile = Inf").frames_per_file);
  EXPECT_EQ(parse_scanimage_header("SI.hStackManager.framesPerSlice = Inf").frames_per_slice, 1);
  EXPECT_EQ(parse_scanimage_header("SI.hStackManager.framesPerSlice = 1000").frames_per_slice, 1000);
  EXPECT_TRUE(parse_scanimage_header("SI.hFastZ.enable = 1").fast_z);
  EXPECT_FALSE(parse_scanimage_header("SI.hFastZ.enable = false").fast_z);
  // Windows line ends, spaces around '=', and ScanImage 5's "scanimage." prefix.
  const ScanImageHeader old = parse_scanimage_header(
      "scanimage.SI.hStackManager.numSlices=4\r\n"
      "scanimage.SI.hChannels.channelSave =  [1;3] \r\n");
  EXPECT_EQ(old.slices, 4);
  EXPECT_EQ(old.saved_channels, (std::vector<int>{1, 3}));
}

TEST(ScanImageHeader, PrefersActualNumSlicesAndVolumes) {
  const ScanImageHeader header = parse_scanimage_header(
      "SI.hStackManager.numSlices = 5\nSI.hStackManager.actualNumSlices = 1\n"
      "SI.hStackManager.numVolumes = 10\nSI.hStackManager.actualNumVolumes = 7\n");
  EXPECT_EQ(header.slices, 1);
  EXPECT_EQ(header.volumes, 7);
  EXPECT_EQ(parse_scanimage_header("SI.hStackManager.numSlices = 5").slices, 5);
}

TEST(ScanImageHeader, RecognisesItsText) {
  EXPECT_TRUE(is_scanimage_header_text(kFastZHeader));
  EXPECT_TRUE(is_scanimage_header_text("scanimage.SI.acqState = 'grab'"));
  EXPECT_FALSE(is_scanimage_header_text("ImageJ=1.53t\nimages=24\n"));
  EXPECT_FALSE(is_scanimage_header_text(""));
}

// Each bad value: one line naming the key and the value as written.
TEST(ScanImageHeader, RefusesMalformedValues) {
  const std::pair<const char*, const char*> cases[] = {
      {"SI.hRoiManager.scanFrameRate = abc", "SI.hRoiManager.scanFrameRate = abc: not a finite number"},
      {"SI.hRoiManager.scanFrameRate = Inf", "SI.hRoiManager.scanFrameRate = Inf: not a finite number"},
      {"SI.hRoiManager.scanFrameRate = NaN", "SI.hRoiManager.scanFrameRate = NaN: not a finite number"},
      {"SI.hRoiManager.scanFrameRate = 0", "SI.hRoiManager.scanFrameRate = 0: not a positive rate"},
      {"SI.hRoiManager.scanVolumeRate = -2", "SI.hRoiManager.scanVolumeRate = -2: not a positive rate"},
      {"SI.hStackManager.numSlices = 2.5", "SI.hStackManager.numSlices = 2.5: not a positive whole number"},
      {"SI.hStackManager.actualNumSlices = 0", "SI.hStackManager.actualNumSlices = 0: not a positive whole number"},
      {"SI.hStackManager.numSlices = Inf", "SI.hStackManager.numSlices = Inf: not a positive whole number"},
      {"SI.hStackManager.framesPerSlice = -1",
       "SI.hStackManager.framesPerSlice = -1: not a positive whole number or Inf"},
      {"SI.hScan2D.logFramesPerFile = ''", "SI.hScan2D.logFramesPerFile = '': not a positive whole number or Inf"},
      {"SI.hFastZ.enable = yes", "SI.hFastZ.enable = yes: not true or false"},
      {"SI.hChannels.channelSave = []", "SI.hChannels.channelSave = []: no channel is saved"},
      {"SI.hChannels.channelSave = [1 2", "SI.hChannels.channelSave = [1 2: an array without its closing ]"},
      {"SI.hChannels.channelSave = [1 0]", "SI.hChannels.channelSave = [1 0]: '0' is not a channel number (1 to 64)"},
      {"SI.hChannels.channelSave = [1;x]", "SI.hChannels.channelSave = [1;x]: 'x' is not a channel number (1 to 64)"},
      {"SI.hChannels.channelSave = [2 2]", "SI.hChannels.channelSave = [2 2]: channel 2 is listed twice"},
      {"SI.VERSION_MAJOR = '2016b", "SI.VERSION_MAJOR = '2016b: a text without its closing quote"},
  };
  for (const auto& [text, expected] : cases) {
    test::expect_error([&] { parse_scanimage_header(text); }, "ScanImage metadata", expected);
  }
}

TEST(ScanImageHeader, RefusesAVolumeRateTheFrameRateCannotGive) {
  // Three planes per volume at 90 frames/s give at most 30 volumes/s.
  test::expect_error(
      [] {
        parse_scanimage_header(
            "SI.hFastZ.enable = true\nSI.hStackManager.numSlices = 3\n"
            "SI.hRoiManager.scanFrameRate = 90\nSI.hRoiManager.scanVolumeRate = 45\n");
      },
      "ScanImage metadata",
      "SI.hRoiManager.scanVolumeRate = 45 with 3 plane(s) per volume is faster than SI.hRoiManager.scanFrameRate = 90 "
      "allows");
  test::expect_error(
      [] { parse_scanimage_header("SI.hRoiManager.scanFrameRate = 30\nSI.hRoiManager.scanVolumeRate = 31\n"); },
      "ScanImage metadata", "scanVolumeRate = 31 with 1 plane(s) per volume is faster than");
  // Exactly the frame rate over the planes is fine.
  EXPECT_NO_THROW(
      parse_scanimage_header("SI.hFastZ.enable = true\nSI.hStackManager.numSlices = 3\n"
                             "SI.hRoiManager.scanFrameRate = 90\nSI.hRoiManager.scanVolumeRate = 30\n"));
}

TEST(ScanImageFrame, ReadsAPageDescription) {
  const ScanImageFrameInfo frame = parse_scanimage_frame(
      "frameNumbers = 7\n"
      "acquisitionNumbers = 2\n"
      "frameNumberAcquisition = 4\n"
      "frameTimestamps_sec = 0.133333333\n"
      "acqTriggerTimestamps_sec = -0.000031310\n"
      "nextFileMarkerTimestamps_sec = -1.000000000\n"
      "endOfAcquisition = 0\n"
      "endOfAcquisitionMode = 0\n"
      "dcOverVoltage = 0\n"
      "epoch = [2016  6  2 20  2 22.065]\n"
      "auxTrigger0 = []\n"
      "I2CData = {}\n");
  EXPECT_EQ(frame.frame_number, 7);
  EXPECT_EQ(frame.acquisition_number, 2);
  EXPECT_EQ(frame.frame_number_acquisition, 4);
  EXPECT_DOUBLE_EQ(frame.timestamp_s, 0.133333333);
  EXPECT_DOUBLE_EQ(*frame.acq_trigger_timestamp_s, -0.00003131);
  EXPECT_EQ(frame.epoch, (std::vector<double>{2016, 6, 2, 20, 2, 22.065}));
}

TEST(ScanImageFrame, DefaultsAndEmptyValues) {
  const ScanImageFrameInfo frame =
      parse_scanimage_frame("frameNumbers = 3\nframeTimestamps_sec = 0.1\nacqTriggerTimestamps_sec =\n");
  EXPECT_EQ(frame.acquisition_number, 1);
  EXPECT_EQ(frame.frame_number_acquisition, 3);
  EXPECT_FALSE(frame.acq_trigger_timestamp_s);
  EXPECT_TRUE(frame.epoch.empty());
}

TEST(ScanImageFrame, RefusesMissingMalformedAndContradictoryValues) {
  const std::pair<const char*, const char*> cases[] = {
      {"frameTimestamps_sec = 0.1", "the page description has no frameNumbers"},
      {"frameNumbers = 1", "the page description has no frameTimestamps_sec"},
      {"frameNumbers = 0\nframeTimestamps_sec = 0", "frameNumbers = 0: not a positive whole number"},
      {"frameNumbers = 1\nframeTimestamps_sec = soon", "frameTimestamps_sec = soon: not a finite number"},
      {"frameNumbers = 1\nframeTimestamps_sec = 0\nepoch = [2016 6 2]",
       "epoch = [2016 6 2]: not [year month day hour minute seconds]"},
      {"frameNumbers = 1\nframeTimestamps_sec = 0\nepoch = [2016 6 2 20 2 x]",
       "epoch = [2016 6 2 20 2 x]: 'x' is not a finite number"},
      {"frameNumbers = 5\nframeNumberAcquisition = 9\nframeTimestamps_sec = 0",
       "frameNumberAcquisition = 9 is more than frameNumbers = 5"},
  };
  for (const auto& [text, expected] : cases) {
    test::expect_error([&] { parse_scanimage_frame(text); }, "ScanImage metadata", expected);
  }
}

// Pages in ScanImage's order: channels fastest, then the frames of a slice, then slices, then volumes.
TEST(ScanImagePages, ChannelsThenFramesPerSliceThenSlicesThenVolumes) {
  ScanImageHeader header;
  header.saved_channels = {1, 2};
  header.slices = 3;
  header.frames_per_slice = 2;
  // Volume 0: plane 0 frames 0,1; plane 1 frames 0,1; plane 2 frames 0,1; each as channel 0, 1.
  const ScanImagePagePosition expected[] = {
      {0, 0, 0}, {1, 0, 0}, {0, 0, 1}, {1, 0, 1}, {0, 1, 0}, {1, 1, 0}, {0, 1, 1}, {1, 1, 1},
      {0, 2, 0}, {1, 2, 0}, {0, 2, 1}, {1, 2, 1}, {0, 0, 2}, {1, 0, 2},  // volume 1 starts: time points 2 and 3
  };
  for (std::int64_t page = 0; page < static_cast<std::int64_t>(std::size(expected)); ++page) {
    const ScanImagePagePosition& want = expected[page];
    EXPECT_EQ(scanimage_page_position(header, page), want) << "page " << page;
    EXPECT_EQ(scanimage_page_index(header, want.time_point, want.channel, want.plane), page) << "page " << page;
  }
}

TEST(ScanImagePages, IndexAndPositionAreInverseOverManyVolumes) {
  const ScanImageHeader header = parse_scanimage_header(kFastZHeader);
  for (std::int64_t page = 0; page < 600; ++page) {
    const ScanImagePagePosition p = scanimage_page_position(header, page);
    EXPECT_EQ(p.time_point, page / 6);
    EXPECT_EQ(p.plane, (page / 2) % 3);
    EXPECT_EQ(p.channel, page % 2);
    EXPECT_EQ(scanimage_page_index(header, p.time_point, p.channel, p.plane), page);
  }
}

TEST(ScanImagePages, RefusesPositionsOutsideTheAcquisition) {
  const ScanImageHeader header = parse_scanimage_header(kFastZHeader);
  test::expect_error([&] { scanimage_page_index(header, 0, 2, 0); }, "ScanImage",
                     "no page for time point 0, channel 2, plane 0 (2 channels, 3 planes)");
  test::expect_error([&] { scanimage_page_index(header, 0, 0, 3); }, "ScanImage", "plane 3");
  test::expect_error([&] { scanimage_page_index(header, -1, 0, 0); }, "ScanImage", "time point -1");
  test::expect_error([&] { scanimage_page_position(header, -1); }, "ScanImage", "page -1 is negative");
}

}  // namespace
}  // namespace calmon::io
