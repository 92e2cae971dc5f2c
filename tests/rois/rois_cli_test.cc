// rois_cli_test.cc — calmon-rois as a user meets it: imports of .roi, RoiSet.zip and JSON
// files into one ROI set, exports to a RoiSet.zip and JSON, and one line (exit 1) for a bad
// file or ROI, the usage (exit 2) for a bad command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "config/region_message.h"
#include "core/imagej_mask.h"
#include "io/imagej_roi_set.h"
#include "io/tiff_writer.h"
#include "test_support.h"

namespace calmon {
namespace {

namespace fs = std::filesystem;

fs::path work_dir() { return test::temp_dir("rois_cli_test"); }

test::CommandOutcome rois(const std::string& arguments) {
  return test::run_command("rois_cli_test", std::string(CALMON_ROIS) + " " + arguments);
}

io::ImageJRoi rectangle(const std::string& name, int left, int top, int width, int height) {
  ImageJShape shape;
  shape.left = left;
  shape.top = top;
  shape.width = width;
  shape.height = height;
  return {name, shape};
}

io::ImageJRoi donut(const std::string& name) {
  ImageJShape shape;
  shape.kind = ImageJShape::Kind::kComposite;
  shape.subpaths = {{{2, 2}, {8, 2}, {8, 8}, {2, 8}}, {{4, 4}, {6, 4}, {6, 6}, {4, 6}}};
  return {name, shape};
}

void write_roi_file(const fs::path& path, const io::ImageJRoi& roi) {
  const std::vector<std::uint8_t> bytes = io::encode_imagej_roi(roi);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// A 20 x 16 uint16 movie of 3 frames.
fs::path write_movie(const fs::path& dir) {
  const fs::path path = dir / "movie.tif";
  const FrameShape shape{20, 16};
  io::TiffMovieWriter writer(path.string(), shape, PixelType::kU16);
  std::vector<std::uint16_t> pixels(shape.pixel_count(), 100);
  for (int t = 0; t < 3; ++t) writer.append(FrameView<std::uint16_t>(pixels.data(), shape));
  writer.close();
  return path;
}

// The whole of stderr is one line holding `fragment`, and the exit status is `status`.
void expect_one_line(const test::CommandOutcome& outcome, int status, const std::string& fragment) {
  EXPECT_EQ(outcome.exit_code, status) << outcome.err;
  EXPECT_EQ(outcome.err.find('\n'), outcome.err.size() - 1) << outcome.err;
  EXPECT_NE(outcome.err.find(fragment), std::string::npos) << outcome.err;
}

TEST(RoisCli, ImportsAZipAsCalmonRoiSetJson) {
  const fs::path dir = work_dir();
  io::write_imagej_roi_set((dir / "RoiSet.zip").string(), {rectangle("cell1", 15, 20, 20, 15), donut("ring")});
  const test::CommandOutcome outcome = rois("import " + (dir / "RoiSet.zip").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");
  const pb::RoiSet set = config::parse_roi_set(outcome.out, "stdout");
  ASSERT_EQ(set.rois_size(), 2);
  EXPECT_EQ(set.rois(0).name(), "cell1");
  EXPECT_EQ(config::to_core_region(set.rois(0).region())->rect(), (Rect{15, 35, 20, 35}));
  EXPECT_EQ(set.rois(1).name(), "ring");
  const Region ring = *config::to_core_region(set.rois(1).region());
  EXPECT_EQ(ring.kind(), Region::Kind::kMask);
  EXPECT_EQ(ring.pixel_count(), 32U);
  EXPECT_TRUE(ring.unit_weights());
}

TEST(RoisCli, ImportsSeveralFilesInOrderIntoOutJson) {
  const fs::path dir = work_dir();
  write_roi_file(dir / "first.roi", rectangle("", 1, 1, 2, 2));  // named after its file
  io::write_imagej_roi_set((dir / "set.zip").string(), {donut("ring")});
  write_text(dir / "more.json", R"({"rois": [{"name": "px", "region": {"pixel": {"x": 3, "y": 4}}}]})");
  const fs::path out = dir / "rois.json";
  const test::CommandOutcome outcome =
      rois("import " + (dir / "first.roi").string() + " " + (dir / "set.zip").string() + " " +
           (dir / "more.json").string() + " --width 20 --height 16 -o " + out.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "calmon-rois: wrote 3 ROIs to " + out.string() + "\n");
  const pb::RoiSet set = config::parse_roi_set(test::read_file(out), out.string());
  ASSERT_EQ(set.rois_size(), 3);
  EXPECT_EQ(set.rois(0).name(), "first");
  EXPECT_EQ(set.rois(1).name(), "ring");
  EXPECT_EQ(set.rois(2).name(), "px");
}

TEST(RoisCli, AnRoiOutsideTheFrameIsRefusedByName) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir);
  io::write_imagej_roi_set((dir / "RoiSet.zip").string(), {donut("ring"), rectangle("edge", 15, 10, 8, 3)});
  expect_one_line(rois("import " + (dir / "RoiSet.zip").string() + " --movie " + movie.string()), 1,
                  (dir / "RoiSet.zip").string() +
                      ": ROI 'edge': reaches outside the 20x16 frame (x 15:23, y 10:13); calmon refuses it rather "
                      "than measure only the part inside");
  EXPECT_EQ(rois("import " + (dir / "RoiSet.zip").string() + " --width 23 --height 13").exit_code, 0);
  // Left of the image: refused even without a frame size.
  io::write_imagej_roi_set((dir / "left.zip").string(), {rectangle("left", -2, 0, 4, 4)});
  expect_one_line(rois("import " + (dir / "left.zip").string()), 1,
                  "ROI 'left': reaches outside the image (it starts at 0, 0) (x -2:2, y 0:4)");
}

TEST(RoisCli, BadFilesAndRoisAreOneLine) {
  const fs::path dir = work_dir();
  write_text(dir / "notes.txt", "hello");
  expect_one_line(rois("import " + (dir / "notes.txt").string()), 1,
                  "notes.txt: unknown ROI file format; the name must end in .roi, .zip, .json");
  write_text(dir / "fake.zip", "PK but not really");
  expect_one_line(rois("import " + (dir / "fake.zip").string()), 1, "fake.zip: is not a zip file");
  write_text(dir / "line.roi", std::string("Iout\0\xe4\x03", 7) + std::string(57, '\0'));
  expect_one_line(rois("import " + (dir / "line.roi").string()), 1,
                  "line.roi: ROI 'line': is a line; calmon takes only area ROIs");
  io::write_imagej_roi_set((dir / "a.zip").string(), {donut("ring")});
  io::write_imagej_roi_set((dir / "b.zip").string(), {donut("ring")});
  expect_one_line(rois("import " + (dir / "a.zip").string() + " " + (dir / "b.zip").string()), 1,
                  "b.zip: ROI 'ring': the name is already taken by an earlier ROI; names must be unique");
  expect_one_line(rois("import " + (dir / "missing.roi").string()), 1, "missing.roi: cannot open the file");
}

TEST(RoisCli, ExportsAConfigsRoisToAZipAndJsonWarningOfLostWeights) {
  const fs::path dir = work_dir();
  write_text(dir / "config.json", R"({"baseline": {"cumulative": {}}, "rois": [
    {"name": "cell1", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}}},
    {"region": {"pixel": {"x": 21, "y": 25}}},
    {"name": "soma", "region": {"mask": {"x": [1, 2, 3, 2], "y": [1, 1, 1, 2], "weight": [1, 0.5, 1, 1]}}}]})");
  const fs::path zip = dir / "out.zip";
  const test::CommandOutcome outcome = rois("export --from " + (dir / "config.json").string() + " -o " + zip.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.err,
            "calmon-rois: warning: ROI 'soma': its mask's weights are not all 1; ImageJ ROIs have no weights, so "
            "they are lost\ncalmon-rois: wrote 3 ROIs to " +
                zip.string() + "\n");
  const std::vector<io::ImageJRoi> back = io::read_imagej_rois(zip.string());
  ASSERT_EQ(back.size(), 3U);
  EXPECT_EQ(back[0].name, "cell1");
  EXPECT_EQ(back[1].name, "roi1");
  EXPECT_EQ(imagej_region(back[1].shape, "roi1").rect(), (Rect{21, 22, 25, 26}));
  EXPECT_EQ(back[2].name, "soma");
  EXPECT_EQ(imagej_region(back[2].shape, "soma").pixel_count(), 4U);
  // JSON keeps everything, weights included.
  const fs::path json = dir / "out.json";
  ASSERT_EQ(rois("export --from " + (dir / "config.json").string() + " -o " + json.string()).exit_code, 0);
  const pb::RoiSet set = config::parse_roi_set(test::read_file(json), json.string());
  ASSERT_EQ(set.rois_size(), 3);
  EXPECT_EQ(set.rois(2).region().mask().weight_size(), 4);
  EXPECT_FALSE(set.rois(0).has_baseline());  // only names and regions are exported
}

TEST(RoisCli, ExportRefusesWhatAnImageJRoiCannotHold) {
  const fs::path dir = work_dir();
  write_text(dir / "config.json", R"({"rois": [{"name": "far", "region": {"pixel": {"x": 70000, "y": 3}}},
                                               {"name": "left", "region": {"mask": {"x": [-1, 0], "y": [3, 3]}}}]})");
  expect_one_line(rois("export --from " + (dir / "config.json").string() + " -o " + (dir / "x.zip").string()), 1,
                  "ROI 'far': pixel (70000, 3) (x 70000:70001, y 3:4) lies outside what an ImageJ ROI can hold "
                  "(0 to 60535)");
  EXPECT_FALSE(fs::exists(dir / "x.zip"));
}

TEST(RoisCli, CommandLineMistakesPrintTheUsageAndExit2) {
  for (const std::string& arguments :
       {std::string(""), std::string("frobnicate"), std::string("import"), std::string("import a.roi --width 5"),
        std::string("import a.roi --width 5 --height 5 --movie m.tif"), std::string("export -o x.zip"),
        std::string("export --from c.json"), std::string("export --from c.json --daemon tcp://x:1 -o x.zip")}) {
    const test::CommandOutcome outcome = rois(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments;
    EXPECT_EQ(outcome.err.rfind("calmon-rois: ", 0), 0U) << outcome.err;
    EXPECT_NE(outcome.err.find("usage: calmon-rois import"), std::string::npos) << outcome.err;
  }
  const test::CommandOutcome help = rois("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find(".zip      ImageJ RoiSet.zip (import, export)"), std::string::npos) << help.out;
  EXPECT_EQ(rois("import --help").exit_code, 0);
  const test::CommandOutcome format = rois("export --from c.json -o x.roi");
  expect_one_line(format, 1, "x.roi: calmon cannot write ImageJ ROI files; it writes .zip, .json");
}

}  // namespace
}  // namespace calmon
