// prairieview_writer_test.cc — the PrairieView-style writer, read back by calmon's own
// readers: each frame and channel one OME-TIFF with the pixels the source gave (through
// the channel's gain and offset), the XML naming them with their times and growing by whole
// frames, multi-plane series as cycles and indices, files seen half-written when written
// in place, and one-line errors for options that make no sense.
#include "rig_sim/prairieview_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/frame_file_order.h"
#include "io/prairieview_xml.h"
#include "io/tiff_movie_reader.h"
#include "test_support.h"

namespace calmon::rig_sim {
namespace {

namespace fs = std::filesystem;

constexpr FrameShape kShape{24, 16};

// Different in every frame, plane and pixel; channel 2's gain takes it near 65535 only at its top.
std::uint16_t source_value(std::uint64_t volume, std::uint32_t plane, int x, int y) {
  return static_cast<std::uint16_t>((3 * x + 5 * y + 7 * volume + 11 * plane) % 4000 + 1);
}

void fill_source(std::uint64_t volume, std::uint32_t plane, std::span<std::uint16_t> pixels) {
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) pixels[y * kShape.width + x] = source_value(volume, plane, x, y);
  }
}

PrairieViewOptions small_series(const fs::path& folder) {
  PrairieViewOptions options;
  options.folder = folder.string();
  options.series_name = "TSeries-test-001";
  options.shape = kShape;
  options.channels = {1, 2};
  options.volumes = 5;
  options.frame_period_s = 0.025;
  return options;
}

std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  return names;
}

// Reads `path` with calmon's TIFF reader and checks every pixel against the source.
void expect_frame(const fs::path& path, std::uint64_t volume, std::uint32_t plane, std::size_t position) {
  io::TiffMovieReader reader(path.string());
  ASSERT_EQ(reader.info().frames, 1);
  ASSERT_EQ(reader.info().shape, kShape);
  ASSERT_EQ(reader.info().pixel_type, PixelType::kU16);
  const auto* pixels = static_cast<const std::uint16_t*>(reader.read(0).data());
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) {
      const std::uint16_t want = channel_pixel(source_value(volume, plane, x, y), position);
      ASSERT_EQ(pixels[y * kShape.width + x], want) << path << " x " << x << " y " << y;
    }
  }
}

TEST(PrairieViewWriter, ChannelsDifferByGainAndOffsetAndSaturate) {
  EXPECT_EQ(channel_pixel(100, 0), 100);
  EXPECT_EQ(channel_pixel(100, 1), 1200);
  EXPECT_EQ(channel_pixel(100, 2), 2300);
  EXPECT_EQ(channel_pixel(40000, 1), 65535);
  EXPECT_EQ(prairieview_file_name("TSeries-1", 3, 2, 17), "TSeries-1_Cycle00003_Ch2_000017.ome.tif");
}

TEST(PrairieViewWriter, WritesOneTiffPerFrameAndChannelAndAnXmlNamingThem) {
  const fs::path folder = test::temp_dir("rig_sim") / "series";
  const PrairieViewSeries series = write_prairieview_series(small_series(folder), fill_source);
  EXPECT_EQ(series.frames, 5u);
  EXPECT_EQ(series.xml_path, (folder / "TSeries-test-001.xml").string());
  EXPECT_EQ(listing(folder).size(), 11u);  // 5 frames × 2 channels and the XML; no temporary file left

  const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file(series.xml_path));
  EXPECT_TRUE(scan.complete);
  EXPECT_EQ(scan.sequence_type, "TSeries Timed Element");
  EXPECT_DOUBLE_EQ(scan.frame_period_s, 0.025);
  EXPECT_EQ(scan.pixels_per_line, kShape.width);
  EXPECT_EQ(scan.lines_per_frame, kShape.height);
  EXPECT_EQ(scan.channels, (std::vector<int>{1, 2}));
  ASSERT_EQ(scan.frames.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    const io::PrairieViewFrame& frame = scan.frames[i];
    EXPECT_EQ(frame.cycle, 1);
    EXPECT_EQ(frame.index, static_cast<int>(i + 1));
    EXPECT_NEAR(frame.relative_time_s, 0.025 * i, 1e-12);
    EXPECT_NEAR(frame.absolute_time_s, 2.5 + 0.025 * i, 1e-12);
    ASSERT_EQ(frame.files.size(), 2u);
    for (std::size_t c = 0; c < 2; ++c) {
      EXPECT_EQ(frame.files[c].filename, prairieview_file_name("TSeries-test-001", 1, c + 1, i + 1));
      expect_frame(folder / frame.files[c].filename, i, 0, c);
    }
  }
  const std::vector<io::FrameFile> ch2 = io::prairieview_channel_files(listing(folder), 2);
  ASSERT_EQ(ch2.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(ch2[i].name, scan.frames[i].files[1].filename);
    EXPECT_EQ(ch2[i].missing_before, 0u);
  }
}

TEST(PrairieViewWriter, TheXmlGrowsByWholeFramesAsTheirFilesAppear) {
  const fs::path folder = test::temp_dir("rig_sim") / "series";
  PrairieViewOptions options = small_series(folder);
  std::vector<std::size_t> seen;
  options.after_frame = [&](std::uint64_t done) {
    const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file(folder / "TSeries-test-001.xml"));
    EXPECT_FALSE(scan.complete);
    seen.push_back(scan.frames.size());
    EXPECT_EQ(io::prairieview_channel_files(listing(folder), 1).size(), done);
    for (const io::PrairieViewFrame& frame : scan.frames) {
      for (const io::PrairieViewFile& file : frame.files) EXPECT_TRUE(fs::exists(folder / file.filename));
    }
    return done < 3;  // stop after the third frame: the XML is closed all the same
  };
  const PrairieViewSeries series = write_prairieview_series(options, fill_source);
  EXPECT_EQ(series.frames, 3u);
  EXPECT_EQ(seen, (std::vector<std::size_t>{1, 2, 3}));
  const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file(series.xml_path));
  EXPECT_TRUE(scan.complete);
  EXPECT_EQ(scan.frames.size(), 3u);
}

TEST(PrairieViewWriter, AnXmlWrittenAtTheEndIsNotThereBefore) {
  const fs::path folder = test::temp_dir("rig_sim") / "series";
  PrairieViewOptions options = small_series(folder);
  options.xml = XmlWriting::kAtTheEnd;
  options.after_frame = [&](std::uint64_t) {
    EXPECT_FALSE(fs::exists(folder / "TSeries-test-001.xml"));
    return true;
  };
  const PrairieViewSeries series = write_prairieview_series(options, fill_source);
  const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file(series.xml_path));
  EXPECT_TRUE(scan.complete);
  EXPECT_EQ(scan.frames.size(), 5u);
}

TEST(PrairieViewWriter, AMultiPlaneSeriesHasACyclePerVolumeAndAnIndexPerPlane) {
  const fs::path folder = test::temp_dir("rig_sim") / "series";
  PrairieViewOptions options = small_series(folder);
  options.channels = {2};
  options.planes = 3;
  options.volumes = 2;
  const PrairieViewSeries series = write_prairieview_series(options, fill_source);
  EXPECT_EQ(series.frames, 6u);
  const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file(series.xml_path));
  EXPECT_EQ(scan.sequence_type, "TSeries ZSeries Element");
  ASSERT_EQ(scan.frames.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    const io::PrairieViewFrame& frame = scan.frames[i];
    EXPECT_EQ(frame.cycle, static_cast<int>(i / 3 + 1));
    EXPECT_EQ(frame.index, static_cast<int>(i % 3 + 1));
    EXPECT_NEAR(frame.relative_time_s, 0.025 * (i % 3), 1e-12);  // from the volume's first plane
    EXPECT_NEAR(scan.seconds_from_first(i), 0.025 * i, 1e-12);
    EXPECT_EQ(frame.files[0].filename, prairieview_file_name("TSeries-test-001", i / 3 + 1, 2, i % 3 + 1));
    expect_frame(folder / frame.files[0].filename, i / 3, i % 3, 0);
  }
}

TEST(PrairieViewWriter, AFileWrittenInPlaceCanBeCaughtHalfWritten) {
  const fs::path folder = test::temp_dir("rig_sim") / "series";
  PrairieViewOptions options = small_series(folder);
  options.volumes = 2;
  options.files = FileAppearance::kWrittenInPlace;
  std::vector<std::string> caught;
  std::vector<std::uintmax_t> sizes;
  options.on_half_written = [&](const std::string& path) {
    caught.push_back(fs::path(path).filename().string());
    sizes.push_back(fs::file_size(path));
    // The directory is there, half of the pixels are not: calmon's reader refuses it.
    EXPECT_THROW(io::TiffMovieReader reader(path), Error);
    // Its frame is not in the XML yet.
    const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file(folder / "TSeries-test-001.xml"));
    for (const io::PrairieViewFrame& frame : scan.frames) {
      for (const io::PrairieViewFile& file : frame.files) EXPECT_NE(file.filename, caught.back());
    }
  };
  write_prairieview_series(options, fill_source);
  EXPECT_EQ(caught,
            (std::vector<std::string>{
                "TSeries-test-001_Cycle00001_Ch1_000001.ome.tif", "TSeries-test-001_Cycle00001_Ch2_000001.ome.tif",
                "TSeries-test-001_Cycle00001_Ch1_000002.ome.tif", "TSeries-test-001_Cycle00001_Ch2_000002.ome.tif"}));
  for (std::size_t i = 0; i < caught.size(); ++i) {
    EXPECT_EQ(sizes[i], fs::file_size(folder / caught[i]) - kShape.pixel_count()) << caught[i];  // half of 2 bytes each
  }
  expect_frame(folder / caught.back(), 1, 0, 1);  // complete in the end
}

TEST(PrairieViewWriter, OptionsThatMakeNoSenseAreOneLineErrors) {
  const fs::path folder = test::temp_dir("rig_sim") / "series";
  const auto error_of = [&](const std::function<void(PrairieViewOptions&)>& change) {
    PrairieViewOptions options = small_series(folder);
    change(options);
    try {
      write_prairieview_series(options, fill_source);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of([](auto& o) { o.channels = {}; }), "PrairieView writer: no channels");
  EXPECT_EQ(error_of([](auto& o) { o.channels = {2, 2}; }), "PrairieView writer: a channel given twice");
  EXPECT_EQ(error_of([](auto& o) {
              o.channels = {0, 1};
            }),
            "PrairieView writer: channel 0 (PrairieView counts channels from 1)");
  EXPECT_EQ(error_of([](auto& o) { o.planes = 0; }), "PrairieView writer: 0 planes");
  EXPECT_EQ(error_of([](auto& o) { o.shape = {0, 16}; }), "PrairieView writer: frame size 0x16");
  EXPECT_EQ(error_of([](auto& o) { o.frame_period_s = 0; }), "PrairieView writer: frame period 0 s");
  EXPECT_EQ(error_of([](auto& o) { o.series_name = "a/b"; }), "PrairieView writer: series name \"a/b\"");
  EXPECT_FALSE(fs::exists(folder));  // nothing written
}

}  // namespace
}  // namespace calmon::rig_sim
