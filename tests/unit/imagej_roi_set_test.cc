// imagej_roi_set_test.cc — RoiSet.zip and single .roi files on disk: written and read back
// in order with their names, and every kind of damaged file refused with one line naming it.
#include "io/imagej_roi_set.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace calmon::io {
namespace {

namespace fs = std::filesystem;

std::vector<ImageJRoi> some_rois() {
  ImageJShape rect;
  rect.left = 15;
  rect.top = 20;
  rect.width = 20;
  rect.height = 15;
  ImageJShape composite;
  composite.kind = ImageJShape::Kind::kComposite;
  composite.subpaths = {{{0, 0}, {6, 0}, {6, 6}, {0, 6}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}}};
  ImageJShape polygon;
  polygon.kind = ImageJShape::Kind::kTraced;
  polygon.points = {{60, 5}, {75, 12}, {70, 25}, {58, 20}};
  return {{"cell1", rect}, {"donut", composite}, {"traced", polygon}};
}

// A zip holding `entries` (name, bytes) in order, written with libzip.
void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(archive, nullptr);
  for (const auto& [name, bytes] : entries) {
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    ASSERT_GE(zip_file_add(archive, name.c_str(), source, 0), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

std::string as_string(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

TEST(ImageJRoiSet, WrittenAndReadBackInOrder) {
  const std::string path = test::temp_path("imagej_roi_set_test", "RoiSet.zip");
  write_imagej_roi_set(path, some_rois());
  const std::vector<ImageJRoi> back = read_imagej_rois(path);
  ASSERT_EQ(back.size(), 3U);
  EXPECT_EQ(back[0], some_rois()[0]);
  EXPECT_EQ(back[1], some_rois()[1]);
  EXPECT_EQ(back[2].name, "traced");
  EXPECT_EQ(back[2].shape.points, some_rois()[2].shape.points);
  // Entries are "<name>.roi", as ImageJ's ROI Manager names them.
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
  ASSERT_NE(archive, nullptr);
  ASSERT_EQ(zip_get_num_entries(archive, 0), 3);
  EXPECT_STREQ(zip_get_name(archive, 0, 0), "cell1.roi");
  EXPECT_STREQ(zip_get_name(archive, 1, 0), "donut.roi");
  zip_discard(archive);
  // Writing again replaces the file.
  write_imagej_roi_set(path, {some_rois()[1]});
  EXPECT_EQ(read_imagej_rois(path).size(), 1U);
}

TEST(ImageJRoiSet, EntriesWithoutANameAreNamedAfterTheEntryOthersSkipped) {
  const std::string path = test::temp_path("imagej_roi_set_test", "RoiSet.zip");
  ImageJRoi unnamed = some_rois()[0];
  unnamed.name.clear();
  write_zip(path, {{"0001-0025-0030.roi", as_string(encode_imagej_roi(unnamed))},
                   {"notes.txt", "not an ROI"},
                   {"cell1.roi", as_string(encode_imagej_roi(some_rois()[0]))}});
  const std::vector<ImageJRoi> rois = read_imagej_rois(path);
  ASSERT_EQ(rois.size(), 2U);
  EXPECT_EQ(rois[0].name, "0001-0025-0030");
  EXPECT_EQ(rois[1].name, "cell1");
}

TEST(ImageJRoiSet, SingleRoiFileNamedAfterItsFileWithoutAName) {
  const fs::path dir = test::temp_dir("imagej_roi_set_test");
  ImageJRoi roi = some_rois()[1];
  roi.name.clear();
  const std::vector<std::uint8_t> bytes = encode_imagej_roi(roi);
  std::ofstream(dir / "donut 2.roi", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  const std::vector<ImageJRoi> rois = read_imagej_rois((dir / "donut 2.roi").string());
  ASSERT_EQ(rois.size(), 1U);
  EXPECT_EQ(rois[0].name, "donut 2");
  EXPECT_EQ(rois[0].shape, roi.shape);
}

TEST(ImageJRoiSet, DamagedFilesAreNamed) {
  const fs::path dir = test::temp_dir("imagej_roi_set_test");
  const std::string missing = (dir / "missing.zip").string();
  test::expect_error([&] { read_imagej_rois(missing); }, missing, "cannot open the zip file");
  const std::string text = (dir / "text.zip").string();
  std::ofstream(text) << "hello, this is no zip\n";
  test::expect_error([&] { read_imagej_rois(text); }, text, "is not a zip file");
  // A zip cut short: its central directory is gone.
  const std::string good = (dir / "good.zip").string();
  write_imagej_roi_set(good, some_rois());
  const std::string whole = test::read_file(good);
  const std::string cut = (dir / "cut.zip").string();
  std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() / 2);
  test::expect_error([&] { read_imagej_rois(cut); }, cut, "zip");
  // A truncated ROI inside a good zip: the file and the entry are named.
  const std::string broken = (dir / "broken.zip").string();
  write_zip(broken, {{"a.roi", as_string(encode_imagej_roi(some_rois()[0]))},
                     {"b.roi", as_string(encode_imagej_roi(some_rois()[2])).substr(0, 40)}});
  test::expect_error([&] { read_imagej_rois(broken); }, broken + ": b.roi", "truncated ImageJ ROI");
  const std::string empty = (dir / "empty.zip").string();
  write_zip(empty, {{"readme.txt", "no ROIs here"}});
  test::expect_error([&] { read_imagej_rois(empty); }, empty, "holds no .roi entries");
  const std::string roi = (dir / "short.roi").string();
  std::ofstream(roi, std::ios::binary) << "Iout";
  test::expect_error([&] { read_imagej_rois(roi); }, roi, "truncated ImageJ ROI: the header");
}

TEST(ImageJRoiSet, WritingRefusesRepeatedOrMissingNames) {
  const std::string path = test::temp_path("imagej_roi_set_test", "RoiSet.zip");
  std::vector<ImageJRoi> twice = some_rois();
  twice[2].name = "cell1";
  test::expect_error([&] { write_imagej_roi_set(path, twice); }, path, "two ROIs are named 'cell1'");
  std::vector<ImageJRoi> unnamed = some_rois();
  unnamed[0].name.clear();
  test::expect_error([&] { write_imagej_roi_set(path, unnamed); }, path, "without a name");
  test::expect_error([&] { write_imagej_roi_set("/nonexistent-dir/x.zip", some_rois()); }, "/nonexistent-dir/x.zip",
                     "cannot");
}

}  // namespace
}  // namespace calmon::io
