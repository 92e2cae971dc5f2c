// scanimage_file_test.cc — TiffMovieReader on ScanImage files written page by page by
// calmon-rig-sim's writer (rig_sim/scanimage_writer.h): channels and planes from the
// Software tag, read(t, channel, slice) picking the page in ScanImage's order, each page's
// timestamp, a file that starts mid-volume after a rollover, and contradictions as errors.
//
// Every page is filled with one value that encodes where it belongs (10000 + 100·t + 10·c + z),
// so a wrong page shows as a wrong value, and its timestamp is 0.001 · its page index.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/tiff_movie_reader.h"
#include "rig_sim/scanimage_writer.h"
#include "test_support.h"

namespace calmon::io {
namespace {

using rig_sim::PageOrder;
using rig_sim::ScanImageTiffFile;

constexpr FrameShape kShape{6, 4};

std::uint16_t value_of(std::int64_t t, int c, int z) {
  return static_cast<std::uint16_t>(10000 + 100 * t + 10 * c + z);
}

std::string header_text(int channels, int slices, int frames_per_slice, const std::string& extra = "") {
  std::string saved = "[";
  for (int c = 1; c <= channels; ++c) saved += (c > 1 ? ";" : "") + std::to_string(c);
  return "SI.VERSION_MAJOR = '2016b'\nSI.hChannels.channelSave = " + saved + "]\n" +
         "SI.hStackManager.numSlices = " + std::to_string(slices) + "\n" +
         "SI.hStackManager.framesPerSlice = " + std::to_string(frames_per_slice) + "\n" +
         "SI.hFastZ.enable = " + (slices > 1 ? "true" : "false") + "\nSI.hRoiManager.scanFrameRate = 90\n" + extra;
}

std::string description(std::int64_t frame, double timestamp) {
  return "frameNumbers = " + std::to_string(frame) +
         "\nacquisitionNumbers = 1\nframeNumberAcquisition = " + std::to_string(frame) +
         "\nframeTimestamps_sec = " + std::to_string(timestamp) + "\nepoch = [2026 1 2 3 4 5.5]\n";
}

// Writes the series' pages [first_page, first_page + count) into one file.
void write_series(const std::string& path, bool bigtiff, const ScanImageHeader& layout, const std::string& text,
                  std::int64_t first_page, std::int64_t count, PageOrder order = PageOrder::kDataFirst) {
  ScanImageTiffFile file(path, bigtiff, text, "{}", order);
  std::vector<std::uint16_t> pixels(kShape.pixel_count());
  for (std::int64_t page = first_page; page < first_page + count; ++page) {
    const ScanImagePagePosition p = scanimage_page_position(layout, page);
    pixels.assign(pixels.size(), value_of(p.time_point, p.channel, p.plane));
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape),
                description(page / layout.channels() + 1, 0.001 * static_cast<double>(page)));
  }
  file.close();
}

void expect_page(TiffMovieReader& reader, std::int64_t t, int c, int z, std::int64_t series_t, double timestamp) {
  const AnyFrameView frame = reader.read(t, c, z);
  ASSERT_EQ(frame.type(), PixelType::kU16);
  const auto* pixels = static_cast<const std::uint16_t*>(frame.data());
  for (std::size_t i = 0; i < kShape.pixel_count(); ++i) {
    ASSERT_EQ(pixels[i], value_of(series_t, c, z)) << "t=" << t << " c=" << c << " z=" << z << " pixel " << i;
  }
  EXPECT_DOUBLE_EQ(reader.timestamp_s(t, c, z), timestamp) << "t=" << t << " c=" << c << " z=" << z;
}

TEST(ScanImageFile, ReadsChannelsPlanesAndTimestampsInScanImagesOrder) {
  for (const bool bigtiff : {false, true}) {
    for (const PageOrder order : {PageOrder::kDataFirst, PageOrder::kIfdFirst}) {
      const std::string path = test::temp_path("scanimage", std::string(bigtiff ? "big" : "classic") +
                                                                (order == PageOrder::kIfdFirst ? "_ifd" : "") + ".tif");
      const std::string text = header_text(2, 3, 1, "SI.hStackManager.actualNumVolumes = 4\n");
      const ScanImageHeader layout = parse_scanimage_header(text);
      write_series(path, bigtiff, layout, text, 0, 24, order);
      TiffMovieReader reader(path);
      const TiffMovieInfo& info = reader.info();
      EXPECT_TRUE(info.scanimage);
      EXPECT_FALSE(info.imagej);
      EXPECT_EQ(info.bigtiff, bigtiff);
      EXPECT_EQ(info.channels, 2);
      EXPECT_EQ(info.slices, 3);
      EXPECT_EQ(info.frames, 4);
      EXPECT_EQ(info.shape, kShape);
      EXPECT_EQ(reader.first_time_point(), 0);
      EXPECT_EQ(reader.scanimage_header().saved_channels, (std::vector<int>{1, 2}));
      ASSERT_EQ(reader.scanimage_frames().size(), 24U);
      EXPECT_EQ(reader.scanimage_frames()[5].frame_number, 3);
      EXPECT_EQ(reader.scanimage_frames()[5].epoch, (std::vector<double>{2026, 1, 2, 3, 4, 5.5}));
      for (std::int64_t t = 3; t >= 0; --t) {  // backwards: read() jumps, it does not walk
        for (int z = 0; z < 3; ++z) {
          for (int c = 0; c < 2; ++c) expect_page(reader, t, c, z, t, 0.001 * static_cast<double>((t * 3 + z) * 2 + c));
        }
      }
    }
  }
}

TEST(ScanImageFile, ATimeSeriesOfOnePlaneWithManyFramesPerSlice) {
  const std::string path = test::temp_path("scanimage", "series.tif");
  const std::string text = header_text(2, 1, 5);
  const ScanImageHeader layout = parse_scanimage_header(text);
  write_series(path, false, layout, text, 0, 10);
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.info().channels, 2);
  EXPECT_EQ(reader.info().slices, 1);
  EXPECT_EQ(reader.info().frames, 5);
  for (std::int64_t t = 0; t < 5; ++t) expect_page(reader, t, 1, 0, t, 0.001 * static_cast<double>(2 * t + 1));
}

// With 3 planes and a rollover every 7 frames, the second file holds frames 8..14: the
// last plane of volume 2, all of volume 3 and two planes of volume 4. Only volume 3 is whole.
TEST(ScanImageFile, AFileAfterARolloverStartsMidVolume) {
  const std::string path = test::temp_path("scanimage", "rig_00001_00002.tif");
  const std::string text = header_text(2, 3, 1, "SI.hScan2D.logFramesPerFile = 7\n");
  const ScanImageHeader layout = parse_scanimage_header(text);
  write_series(path, false, layout, text, 14, 14);
  TiffMovieReader reader(path);
  EXPECT_EQ(reader.info().frames, 1);
  EXPECT_EQ(reader.first_time_point(), 3);
  EXPECT_EQ(reader.scanimage_frames().front().frame_number_acquisition, 8);
  for (int z = 0; z < 3; ++z) {
    for (int c = 0; c < 2; ++c) expect_page(reader, 0, c, z, 3, 0.001 * static_cast<double>((3 * 3 + z) * 2 + c));
  }
  test::expect_error([&] { reader.read(1, 0, 0); }, path, "t=1 is out of range, the movie has 1 time point");
  test::expect_error([&] { reader.timestamp_s(0, 2, 0); }, path, "channel 2 is out of range, the movie has 2 channels");
}

TEST(ScanImageFile, AFileWithNoWholeTimePointIsAnError) {
  const std::string path = test::temp_path("scanimage", "tail.tif");
  const std::string text = header_text(2, 3, 1);
  write_series(path, false, parse_scanimage_header(text), text, 6, 4);  // planes 0 and 1 of volume 1
  test::expect_error([&] { TiffMovieReader reader(path); }, path,
                     "holds no time point whole: its 4 pages do not cover 2 channels x 3 planes");
}

TEST(ScanImageFile, PagesThatContradictTheChannelCountAreAnError) {
  const std::string path = test::temp_path("scanimage", "three_channels.tif");
  // Written with 2 channels per frame, but the Software tag says 3 are saved.
  write_series(path, false, parse_scanimage_header(header_text(2, 1, 6)), header_text(3, 1, 6), 0, 12);
  test::expect_error([&] { TiffMovieReader reader(path); }, path,
                     "page 2 (the 3rd of 12) has frameNumberAcquisition = 2, not 1 as 3 saved channels");
}

TEST(ScanImageFile, TwoAcquisitionsInOneFileAreAnError) {
  const std::string path = test::temp_path("scanimage", "two_acquisitions.tif");
  {
    ScanImageTiffFile file(path, false, header_text(1, 1, 4), "{}");
    const std::vector<std::uint16_t> pixels(kShape.pixel_count(), 7);
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape), description(1, 0.0));
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape), description(2, 0.1));
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape),
                "frameNumbers = 3\nacquisitionNumbers = 2\nframeNumberAcquisition = 1\nframeTimestamps_sec = 0\n");
    file.close();
  }
  test::expect_error([&] { TiffMovieReader reader(path); }, path,
                     "page 2 (the 3rd of 3) belongs to acquisition 2, the first page to acquisition 1 "
                     "(acquisitionNumbers); calmon reads one acquisition per file");
}

TEST(ScanImageFile, MorePagesThanTheAcquisitionHasAreAnError) {
  const std::string path = test::temp_path("scanimage", "too_many.tif");
  const std::string text = header_text(1, 2, 1, "SI.hStackManager.actualNumVolumes = 2\n");
  write_series(path, false, parse_scanimage_header(text), text, 0, 6);
  test::expect_error([&] { TiffMovieReader reader(path); }, path,
                     "page 5 (the 6th of 6) is page 5 of the acquisition, which has only 4 (2 volumes x 2 pages)");
}

TEST(ScanImageFile, MalformedMetadataNamesThePageTheKeyAndTheValue) {
  const std::string bad_header = test::temp_path("scanimage", "bad_header.tif");
  const std::string text = header_text(1, 1, 4, "SI.hRoiManager.scanVolumeRate = fast\n");
  write_series(bad_header, false, parse_scanimage_header(header_text(1, 1, 4)), text, 0, 4);
  test::expect_error([&] { TiffMovieReader reader(bad_header); }, bad_header,
                     "page 0's Software tag: ScanImage metadata: SI.hRoiManager.scanVolumeRate = fast: not a finite "
                     "number");

  const std::string bad_frame = test::temp_path("scanimage", "bad_frame.tif");
  {
    ScanImageTiffFile file(bad_frame, true, header_text(1, 1, 4), "{}");
    const std::vector<std::uint16_t> pixels(kShape.pixel_count(), 7);
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape), description(1, 0.0));
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape), "frameNumbers = 2\nframeTimestamps_sec = later\n");
    file.close();
  }
  test::expect_error([&] { TiffMovieReader reader(bad_frame); }, bad_frame,
                     "page 1 (the 2nd): ScanImage metadata: frameTimestamps_sec = later: not a finite number");
}

// What a reader sees of a growing file in the middle of a page (the writer's callback runs
// between the two halves of its pixels): data first, the pages before it, whole; IFD
// first, the new page already linked with its pixels cut short, which the reader refuses.
TEST(ScanImageFile, APageHalfWrittenIsUnseenOrRefusedNeverReadAsGarbage) {
  const std::string text = header_text(1, 1, 3);
  const std::vector<std::uint16_t> pixels(kShape.pixel_count(), 4242);
  for (const PageOrder order : {PageOrder::kDataFirst, PageOrder::kIfdFirst}) {
    const bool ifd_first = order == PageOrder::kIfdFirst;
    const std::string path = test::temp_path("scanimage", ifd_first ? "growing_ifd.tif" : "growing.tif");
    ScanImageTiffFile file(path, false, text, "{}", order);
    for (std::int64_t page = 0; page < 3; ++page) {
      int calls = 0;
      file.append(FrameView<std::uint16_t>(pixels.data(), kShape), description(page + 1, 0.1 * page), [&] {
        ++calls;
        if (ifd_first) {
          test::expect_error([&] { TiffMovieReader reader(path); }, path,
                             "page " + std::to_string(page) + " (the " +
                                 (page == 0   ? "1st"
                                  : page == 1 ? "2nd"
                                              : "3rd") +
                                 " of " + std::to_string(page + 1) + "): strip 0 runs to byte");
        } else if (page == 0) {  // the header links no page yet
          test::expect_error([&] { TiffMovieReader reader(path); }, path, "cannot be read as a TIFF file");
        } else {
          TiffMovieReader reader(path);
          EXPECT_EQ(reader.info().frames, page);
          const AnyFrameView frame = reader.read(page - 1);
          EXPECT_EQ(static_cast<const std::uint16_t*>(frame.data())[kShape.pixel_count() - 1], 4242);
        }
      });
      EXPECT_EQ(calls, 1);
      TiffMovieReader whole(path);  // between pages the file is whole in either order
      EXPECT_EQ(whole.info().frames, page + 1);
      EXPECT_DOUBLE_EQ(whole.timestamp_s(page), 0.1 * page);
    }
    file.close();
  }
}

TEST(ScanImageFile, OtherFilesHaveNoScanImageMetadata) {
  const std::string path = test::temp_path("scanimage", "plain.tif");
  {
    ScanImageTiffFile file(path, false, "Written by hand, not by ScanImage", "{}");
    const std::vector<std::uint16_t> pixels(kShape.pixel_count(), 7);
    file.append(FrameView<std::uint16_t>(pixels.data(), kShape), "just a description");
    file.close();
  }
  TiffMovieReader reader(path);
  EXPECT_FALSE(reader.info().scanimage);
  EXPECT_EQ(reader.info().frames, 1);
  test::expect_error([&] { reader.scanimage_header(); }, path, "is not a ScanImage file");
  test::expect_error([&] { reader.timestamp_s(0); }, path, "is not a ScanImage file");
}

}  // namespace
}  // namespace calmon::io
