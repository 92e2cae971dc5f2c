// scanimage_placement_test.cc — calmon-follow's SeriesPlacer on pages read by GrowingTiff from
// files that calmon-rig-sim's writer makes: ScanImage's settings from the Software tag,
// each page's channel, plane and clock, only the followed ones sent, a file after a
// rollover that starts inside a volume, several frames per slice, a plain TIFF, and the
// one-line errors.
#include "follow/scanimage_placement.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/growing_tiff.h"
#include "rig_sim/scanimage_writer.h"
#include "test_support.h"

namespace calmon::follow {
namespace {

constexpr FrameShape kShape{6, 4};

std::string header_text(int channels, int slices, int frames_per_slice) {
  std::string saved = "[";
  for (int c = 1; c <= channels; ++c) saved += (c > 1 ? ";" : "") + std::to_string(c + 1);  // channels 2, 3, ...
  return "SI.VERSION_MAJOR = '2020'\nSI.hChannels.channelSave = " + saved + "]\n" +
         "SI.hStackManager.actualNumSlices = " + std::to_string(slices) + "\n" +
         "SI.hStackManager.framesPerSlice = " + std::to_string(frames_per_slice) + "\n" +
         "SI.hFastZ.enable = true\nSI.hRoiManager.scanFrameRate = 60\nSI.hRoiManager.scanVolumeRate = 20\n";
}

// The series' pages [first_page, first_page + count) written to `path` and read back with
// GrowingTiff; each page's value is its page number in the acquisition.
std::vector<io::GrowingTiffPage> pages_of(const std::string& path, const std::string& text, int channels,
                                          std::int64_t first_page, std::int64_t count) {
  {
    rig_sim::ScanImageTiffFile file(path, false, text, "{}");
    std::vector<std::uint16_t> pixels(kShape.pixel_count());
    for (std::int64_t page = first_page; page < first_page + count; ++page) {
      pixels.assign(pixels.size(), static_cast<std::uint16_t>(page));
      const std::int64_t frame = page / channels + 1;
      file.append(FrameView<std::uint16_t>(pixels.data(), kShape),
                  "frameNumbers = " + std::to_string(frame) + "\nframeNumberAcquisition = " + std::to_string(frame) +
                      "\nframeTimestamps_sec = " + std::to_string(0.25 * static_cast<double>(frame - 1)) +
                      "\nepoch = [2026 1 2 3 4 5]\n");
    }
    file.close();
  }
  io::GrowingTiff tiff(path);
  return tiff.poll();
}

std::uint16_t value(const io::GrowingTiffPage& page) {
  return *reinterpret_cast<const std::uint16_t*>(page.pixels.data());
}

TEST(ScanImagePlacement, GrowingTiffReadsTheSoftwareTagOfEveryPage) {
  const std::string text = header_text(2, 3, 1);
  const auto pages = pages_of(test::temp_path("follow_placement", "software.tif"), text, 2, 0, 4);
  ASSERT_EQ(pages.size(), 4U);
  for (const io::GrowingTiffPage& page : pages) EXPECT_EQ(page.software, text);
}

TEST(ScanImagePlacement, SendsOnlyTheChannelAndPlaneFollowedWithTheirClock) {
  const std::string path = test::temp_path("follow_placement", "rig_00001_00001.tif");
  const auto pages = pages_of(path, header_text(2, 3, 1), 2, 0, 24);  // 4 volumes
  std::vector<std::string> notes;
  SeriesPlacer placer(1, 2, [&](const std::string& line) { notes.push_back(line); });
  std::vector<std::uint16_t> sent;
  for (const io::GrowingTiffPage& page : pages) {
    const PagePlacement placement = placer.place(path, page);
    EXPECT_EQ(placer.is_followed(path, page), placement.send);
    if (!placement.send) continue;
    sent.push_back(value(page));
    EXPECT_EQ(placement.channel, 1U);
    EXPECT_EQ(placement.plane, 2U);
    ASSERT_TRUE(placement.frame_time_s.has_value());
    EXPECT_EQ(*placement.frame_time_s, 0.25 * (value(page) / 2));
    EXPECT_EQ(placement.frame_rate_hz, 20.0);  // the volume rate
    ASSERT_TRUE(placement.acquisition_time_ns.has_value());
    EXPECT_EQ(*placement.acquisition_time_ns, *scanimage_epoch_ns({2026, 1, 2, 3, 4, 5}, *placement.frame_time_s));
  }
  EXPECT_EQ(sent, (std::vector<std::uint16_t>{5, 11, 17, 23}));  // (t·3 + 2)·2 + 1
  EXPECT_EQ(notes, (std::vector<std::string>{"ScanImage 2020: 2 channels saved (2, 3), 3 planes, 20 volumes/s; "
                                             "following channel 1 (ScanImage's channel 3), plane 2"}));
}

TEST(ScanImagePlacement, AFileAfterARolloverStartsInsideAVolume) {
  const std::string text = header_text(2, 3, 1);
  const std::string first = test::temp_path("follow_placement", "roll_00001_00001.tif");
  const std::string second = test::temp_path("follow_placement", "roll_00001_00002.tif");
  const auto pages = pages_of(first, text, 2, 0, 10);  // 5 frames a file: the second starts at plane 2 of volume 0
  const auto more = pages_of(second, text, 2, 10, 14);
  SeriesPlacer placer(0, 2, [](const std::string&) {});
  std::vector<std::uint16_t> sent;
  for (const auto& [path, list] : {std::pair{first, &pages}, std::pair{second, &more}}) {
    for (const io::GrowingTiffPage& page : *list) {
      if (placer.place(path, page).send) sent.push_back(value(page));
    }
  }
  EXPECT_EQ(sent, (std::vector<std::uint16_t>{4, 10, 16, 22}));
}

TEST(ScanImagePlacement, SeveralFramesPerSlice) {
  const std::string path = test::temp_path("follow_placement", "slices.tif");
  const auto pages = pages_of(path, header_text(1, 2, 3), 1, 0, 12);  // 2 volumes of 2 planes x 3 frames
  SeriesPlacer placer(0, 1, [](const std::string&) {});
  std::vector<std::uint16_t> sent;
  for (const io::GrowingTiffPage& page : pages) {
    if (placer.place(path, page).send) sent.push_back(value(page));
  }
  EXPECT_EQ(sent, (std::vector<std::uint16_t>{3, 4, 5, 9, 10, 11}));
}

TEST(ScanImagePlacement, APlainTiffIsChannel0Plane0AndRefusesOthers) {
  io::GrowingTiffPage page;
  page.description = "a frame";
  SeriesPlacer plain(0, 0, [](const std::string&) {});
  const PagePlacement placement = plain.place("plain.tif", page);
  EXPECT_TRUE(placement.send);
  EXPECT_FALSE(placement.frame_time_s.has_value());
  SeriesPlacer second_channel(1, 0, [](const std::string&) {});
  try {
    second_channel.place("plain.tif", page);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "plain.tif: --channel 1 requested, the movie has 1 channel");
  }
}

TEST(ScanImagePlacement, APageMissingIsAnError) {
  const std::string path = test::temp_path("follow_placement", "missing.tif");
  const auto pages = pages_of(path, header_text(2, 3, 1), 2, 0, 6);
  SeriesPlacer placer(0, 0, [](const std::string&) {});
  placer.place(path, pages[0]);
  try {
    placer.place(path, pages[2]);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path +
                  ": page 2 has frameNumberAcquisition = 2, which with 2 saved channels makes it page 2 of the "
                  "acquisition, not 1 (a page missing, or SI.hChannels.channelSave wrong?)");
  }
}

}  // namespace
}  // namespace calmon::follow
