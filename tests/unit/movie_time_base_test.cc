// movie_time_base_test.cc — what a movie says about time: ImageJ's finterval/fps and
// ScanImage's rates for one plane, values that cannot serve ignored with a reason, and each
// frame's ScanImage timestamp for the chosen channel and plane.
#include "io/movie_time_base.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/tiff_writer.h"
#include "rig_sim/scanimage_writer.h"
#include "test_support.h"

namespace calmon::io {
namespace {

constexpr FrameShape kShape{5, 3};

void expect_ignored_once(const DeclaredFrameRate& rate, const std::string& part) {
  ASSERT_EQ(rate.ignored.size(), 1U);
  EXPECT_NE(rate.ignored[0].find(part), std::string::npos) << rate.ignored[0];
}

TEST(ImageJFrameRate, FintervalIsSecondsPerFrame) {
  const DeclaredFrameRate rate = imagej_frame_rate("ImageJ=1.54f\nimages=4\nframes=4\nfinterval=0.05\n");
  EXPECT_EQ(rate.hz, 1.0 / 0.05);
  EXPECT_EQ(rate.origin, "ImageJ's finterval=0.05");
  EXPECT_TRUE(rate.ignored.empty());
}

TEST(ImageJFrameRate, FintervalInTheTimeUnitImageJNames) {
  EXPECT_EQ(imagej_frame_rate("ImageJ=1.54f\nfinterval=50\ntunit=ms\n").hz, 1.0 / (50 * 1e-3));
  EXPECT_EQ(imagej_frame_rate("ImageJ=1.54f\ntunit=min\nfinterval=0.5\n").hz, 1.0 / 30.0);
  EXPECT_EQ(imagej_frame_rate("ImageJ=1.54f\nfinterval=0.25\ntunit=sec\r\n").hz, 4.0);
  const DeclaredFrameRate unknown = imagej_frame_rate("ImageJ=1.54f\nfinterval=3\ntunit=frame\n");
  EXPECT_EQ(unknown.hz, 0.0);
  expect_ignored_once(unknown, "tunit=frame, not a time unit calmon knows");
}

TEST(ImageJFrameRate, FpsServesOnlyWithoutFinterval) {
  EXPECT_EQ(imagej_frame_rate("ImageJ=1.54f\nfps=7\n").hz, 7.0);
  EXPECT_EQ(imagej_frame_rate("ImageJ=1.54f\nfps=7\nfinterval=0.1\n").hz, 1.0 / 0.1);
}

TEST(ImageJFrameRate, AValueThatIsNoRateIsIgnoredWithItsReason) {
  for (const std::string bad : {"0", "-0.1", "abc", "0.1s", "inf", "nan", ""}) {
    const DeclaredFrameRate rate = imagej_frame_rate("ImageJ=1.54f\nfinterval=" + bad + "\n");
    EXPECT_EQ(rate.hz, 0.0) << bad;
    expect_ignored_once(rate, "finterval=" + bad + ", not a positive number of seconds per frame");
  }
  // A bad finterval leaves fps to serve.
  const DeclaredFrameRate fallback = imagej_frame_rate("ImageJ=1.54f\nfinterval=0\nfps=12.5\n");
  EXPECT_EQ(fallback.hz, 12.5);
  EXPECT_EQ(fallback.ignored.size(), 1U);
  const DeclaredFrameRate bad_fps = imagej_frame_rate("ImageJ=1.54f\nfps=-3\n");
  EXPECT_EQ(bad_fps.hz, 0.0);
  expect_ignored_once(bad_fps, "fps=-3, not a positive rate");
}

TEST(ImageJFrameRate, OnlyImageJDescriptionsAreRead) {
  EXPECT_EQ(imagej_frame_rate("finterval=0.05\n").hz, 0.0);
  EXPECT_EQ(imagej_frame_rate("").hz, 0.0);
  EXPECT_EQ(imagej_frame_rate("ImageJ=1.54f\nimages=3\n").hz, 0.0);
  EXPECT_TRUE(imagej_frame_rate("ImageJ=1.54f\nimages=3\n").origin.empty());
}

ScanImageHeader header(int slices, int frames_per_slice, bool fast_z) {
  return parse_scanimage_header("SI.hStackManager.numSlices = " + std::to_string(slices) +
                                "\nSI.hStackManager.framesPerSlice = " + std::to_string(frames_per_slice) +
                                "\nSI.hFastZ.enable = " + (fast_z ? "true" : "false") +
                                "\nSI.hRoiManager.scanFrameRate = 90\nSI.hRoiManager.scanVolumeRate = 22.5\n");
}

TEST(ScanImageFrameRate, OnePlaneComesAtTheFrameRateSeveralAtTheVolumeRate) {
  const DeclaredFrameRate one_plane = scanimage_frame_rate(header(1, 1, false));
  EXPECT_EQ(one_plane.hz, 90.0);
  EXPECT_EQ(one_plane.origin, "ScanImage's SI.hRoiManager.scanFrameRate");
  EXPECT_EQ(scanimage_frame_rate(header(1, 5, false)).hz, 90.0);  // a time series of one plane
  const DeclaredFrameRate volumes = scanimage_frame_rate(header(3, 1, true));
  EXPECT_EQ(volumes.hz, 22.5);
  EXPECT_EQ(volumes.origin, "ScanImage's SI.hRoiManager.scanVolumeRate");
  EXPECT_TRUE(volumes.ignored.empty());
}

TEST(ScanImageFrameRate, PlanesThatComeAtNoOneRateDeclareNone) {
  const DeclaredFrameRate slow_stack = scanimage_frame_rate(header(3, 1, false));
  EXPECT_EQ(slow_stack.hz, 0.0);
  expect_ignored_once(slow_stack, "3 planes without fast z");
  const DeclaredFrameRate bursts = scanimage_frame_rate(header(3, 4, true));
  EXPECT_EQ(bursts.hz, 0.0);
  expect_ignored_once(bursts, "4 frames per plane");
  EXPECT_EQ(scanimage_frame_rate(parse_scanimage_header("SI.hStackManager.numSlices = 1\n")).hz, 0.0);
}

void write_movie(const std::string& path, int pages, const std::string& description) {
  TiffMovieWriter writer(path, kShape, PixelType::kU16, false, description);
  std::vector<std::uint16_t> pixels(kShape.pixel_count(), 7);
  for (int i = 0; i < pages; ++i) writer.append(FrameView<std::uint16_t>(pixels.data(), kShape));
  writer.close();
}

TEST(MovieTimeBase, AnImageJMovieHasItsRateAndNoFrameTimes) {
  const std::string path = test::temp_path("movie_time_base", "imagej.tif");
  write_movie(path, 6, "ImageJ=1.11a\nimages=6\nchannels=2\nframes=3\nfinterval=0.125\n");
  TiffMovieReader movie(path);
  EXPECT_EQ(movie.description(), "ImageJ=1.11a\nimages=6\nchannels=2\nframes=3\nfinterval=0.125\n");
  const MovieTimeBase time_base = read_movie_time_base(movie, 1, 0);
  EXPECT_EQ(time_base.rate.hz, 8.0);
  EXPECT_TRUE(time_base.frame_times_s.empty());
  EXPECT_FALSE(time_base.frame_time_s(2).has_value());
  EXPECT_THROW(read_movie_time_base(movie, 2, 0), Error);  // the programs check --channel first, naming the file
}

TEST(MovieTimeBase, APlainMovieSaysNothingAboutTime) {
  const std::string path = test::temp_path("movie_time_base", "plain.tif");
  write_movie(path, 3, "");
  TiffMovieReader movie(path);
  EXPECT_EQ(movie.description(), "");
  const MovieTimeBase time_base = read_movie_time_base(movie, 0, 0);
  EXPECT_EQ(time_base.rate.hz, 0.0);
  EXPECT_TRUE(time_base.rate.ignored.empty());
  EXPECT_TRUE(time_base.frame_times_s.empty());
}

// 2 channels x 3 planes with fast z, 2 volumes; page g's timestamp is 0.01 * g + 3.
TEST(MovieTimeBase, AScanImageMovieGivesEachFrameOfAPlaneItsTimestamp) {
  const std::string path = test::temp_path("movie_time_base", "scanimage.tif");
  const std::string text =
      "SI.hChannels.channelSave = [1;2]\nSI.hStackManager.numSlices = 3\nSI.hFastZ.enable = true\n"
      "SI.hRoiManager.scanFrameRate = 90\nSI.hRoiManager.scanVolumeRate = 30\n";
  {
    rig_sim::ScanImageTiffFile file(path, false, text, "{}");
    std::vector<std::uint16_t> pixels(kShape.pixel_count(), 1);
    for (int g = 0; g < 12; ++g) {
      const std::int64_t frame = g / 2 + 1;
      file.append(
          FrameView<std::uint16_t>(pixels.data(), kShape),
          "frameNumbers = " + std::to_string(frame) + "\nframeTimestamps_sec = " + std::to_string(0.01 * g + 3) + "\n");
    }
    file.close();
  }
  TiffMovieReader movie(path);
  const MovieTimeBase time_base = read_movie_time_base(movie, 1, 2);
  EXPECT_EQ(time_base.rate.hz, 30.0);
  ASSERT_EQ(time_base.frame_times_s.size(), 2U);
  for (std::int64_t t = 0; t < 2; ++t) {
    EXPECT_EQ(time_base.frame_time_s(t), movie.timestamp_s(t, 1, 2));
    EXPECT_DOUBLE_EQ(*time_base.frame_time_s(t), 0.01 * static_cast<double>((t * 3 + 2) * 2 + 1) + 3);
  }
}

}  // namespace
}  // namespace calmon::io
