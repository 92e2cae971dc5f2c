// roi_files_test.cc — ROI files as the control API carries them: read by their name's
// format, written so that reading them again gives the same ROI set.
#include "config/roi_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/config_file.h"
#include "core/error.h"
#include "io/suite2p_files.h"
#include "test_support.h"

namespace calmon::config {
namespace {

pb::RoiFiles one_file(const std::string& name, const std::string& data) {
  pb::RoiFiles files;
  pb::RoiFile* file = files.add_files();
  file->set_name(name);
  file->set_data(data);
  return files;
}

void add_file(pb::RoiFiles& files, const std::string& name, const std::string& data) {
  pb::RoiFile* file = files.add_files();
  file->set_name(name);
  file->set_data(data);
}

pb::RoiSet read_roi_files(const pb::RoiFiles& files) {
  std::vector<std::string> warnings;
  pb::RoiSet set = config::read_roi_files(files, std::nullopt, warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  return set;
}

pb::RoiFile write_roi_file(const std::vector<RoiSettings>& rois, std::string_view format) {
  std::vector<std::string> warnings;
  return config::write_roi_file(rois, format, warnings);
}

// The ROIs of files as the pipeline would take them, with no config defaults.
std::vector<RoiSettings> read_back(const pb::RoiFiles& files) {
  const pb::RoiSet set = read_roi_files(files);
  const pb::Config no_defaults;
  std::vector<RoiSettings> rois;
  for (int i = 0; i < set.rois_size(); ++i) {
    rois.push_back(to_roi_settings(set.rois(i), static_cast<std::size_t>(i), no_defaults));
  }
  return rois;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string error_of(const pb::RoiFiles& files) {
  try {
    read_roi_files(files);
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(RoiFiles, ReadsAnRoiSetOrAnAnalysisConfigsRois) {
  const pb::RoiSet set =
      read_roi_files(one_file("set.json", R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 2}}}]})"));
  ASSERT_EQ(set.rois_size(), 1);
  EXPECT_EQ(set.rois(0).name(), "a");
  const pb::RoiSet from_config = read_roi_files(one_file(
      "analysis.json",
      R"({"projections": [{"name": "all"}], "rois": [{"name": "b", "region": {"pixel": {"x": 1, "y": 2}}}]})"));
  ASSERT_EQ(from_config.rois_size(), 1);
  EXPECT_EQ(from_config.rois(0).name(), "b");
}

TEST(RoiFiles, SaysWhatIsWrongInOneLine) {
  EXPECT_EQ(error_of(pb::RoiFiles()), "import_rois: no file");
  EXPECT_EQ(error_of(one_file("cells.txt", "x")).rfind("cells.txt: unknown ROI file format", 0), 0u);
  EXPECT_EQ(error_of(one_file("broken.json", "{\"rois\": [")).rfind("broken.json", 0), 0u);
  EXPECT_EQ(error_of(one_file("../set.json", "{}")), "import_rois: '../set.json' is not a file name (no folders)");
  EXPECT_EQ(error_of(one_file("iscell.npy", "x")),
            "import_rois: iscell.npy is read only beside the file it belongs to (stat.npy)");
  // A corrupt zip: named as sent, not by the temporary folder it was read from.
  const std::string corrupt = error_of(one_file("RoiSet.zip", "PK\x03\x04 not really"));
  EXPECT_EQ(corrupt.rfind("RoiSet.zip: ", 0), 0u) << corrupt;
  EXPECT_EQ(corrupt.find("calmon-import-"), std::string::npos) << corrupt;
  pb::RoiFiles twice = one_file("a.json", "{}");
  add_file(twice, "a.json", "{}");
  EXPECT_EQ(error_of(twice), "import_rois: 'a.json' is sent twice");
}

TEST(RoiFiles, ARoiSetZipWrittenReadsBackWithTheSamePixels) {
  const pb::Config config = parse_config(R"({"rois": [
      {"name": "box", "region": {"rect": {"xmin": 1, "xmax": 4, "ymin": 2, "ymax": 5}}},
      {"name": "blob", "region": {"mask": {"x": [1, 2, 2], "y": [3, 3, 4]}}}]})",
                                         "analysis.json");
  const PipelineSettings settings = to_pipeline_settings(config);
  const pb::RoiFile zip = write_roi_file(settings.rois, "zip");
  EXPECT_EQ(zip.name(), "RoiSet.zip");
  EXPECT_EQ(zip.data().substr(0, 2), "PK");
  const std::vector<RoiSettings> again = read_back(one_file(zip.name(), zip.data()));
  ASSERT_EQ(again.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again[i].name, settings.rois[i].name);
    EXPECT_EQ(again[i].region.pixels(), settings.rois[i].region.pixels());
  }
}

TEST(RoiFiles, ASuite2pStatArrivesWithItsCompanions) {
  const std::filesystem::path folder = test::temp_path("roi_files_test", "plane0");
  std::filesystem::create_directories(folder);
  io::Suite2pExport data;
  data.width = 6;
  data.height = 4;
  data.frame_rate_hz = 15;
  data.frames = 1;
  data.rois = {{{0, 1}, {0, 0}, {1.0, 3.0}}, {{4, 5}, {3, 3}, {1.0, 1.0}}};
  data.f = {1, 2};
  data.fneu = {0, 0};
  io::write_suite2p_folder(folder.string(), data);
  pb::RoiFiles files;
  for (const char* name : {"stat.npy", "iscell.npy", "ops.npy"}) add_file(files, name, file_bytes(folder / name));
  const pb::RoiSet set = read_roi_files(files);
  ASSERT_EQ(set.rois_size(), 2);
  EXPECT_EQ(set.rois(0).name(), "s2p_0");
  EXPECT_EQ(set.rois(1).name(), "s2p_1");
  // lam normalised to sum 1: 1 and 3 become 0.25 and 0.75.
  ASSERT_EQ(set.rois(0).region().mask().weight_size(), 2);
  EXPECT_EQ(set.rois(0).region().mask().weight(0), 0.25);
  EXPECT_EQ(set.rois(0).region().mask().weight(1), 0.75);

  // Without iscell.npy every ROI is kept, with a warning naming the file as sent.
  pb::RoiFiles stat_only;
  add_file(stat_only, "stat.npy", file_bytes(folder / "stat.npy"));
  add_file(stat_only, "ops.npy", file_bytes(folder / "ops.npy"));
  std::vector<std::string> warnings;
  EXPECT_EQ(config::read_roi_files(stat_only, std::nullopt, warnings).rois_size(), 2);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "warning: stat.npy: no iscell.npy beside it: every ROI is kept");

  // A Suite2p folder of another frame size than the session's.
  try {
    config::read_roi_files(files, FrameShape{80, 60}, warnings);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "stat.npy: Suite2p's frame is 6x4 (ops.npy's Lx, Ly), the movie's 80x60");
  }
}

TEST(RoiFiles, AnExportedSetReadsBackTheSame) {
  const pb::Config config = parse_config(R"({"baseline": {"moving": {"window": 31}}, "rois": [
      {"name": "a", "region": {"rect": {"xmin": 1, "xmax": 4, "ymin": 2, "ymax": 5}}, "neuropil": {"ring": {}}},
      {"name": "b", "region": {"mask": {"x": [1, 2], "y": [3, 3], "weight": [0.25, 1]}}}]})",
                                         "analysis.json");
  const PipelineSettings settings = to_pipeline_settings(config);
  const pb::RoiFile file = write_roi_file(settings.rois, "json");
  EXPECT_EQ(file.name(), "rois.json");
  pb::RoiFiles files;
  *files.add_files() = file;
  const std::vector<RoiSettings> again = read_back(files);
  ASSERT_EQ(again.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again[i].name, settings.rois[i].name);
    EXPECT_EQ(again[i].region.pixels(), settings.rois[i].region.pixels());
    EXPECT_EQ(again[i].neuropil.describe(), settings.rois[i].neuropil.describe());
    EXPECT_EQ(again[i].baseline.describe(), "moving median, window 31");
  }
  try {
    write_roi_file(settings.rois, "tar");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "export_rois: format 'tar' is not one calmon writes (json, zip)");
  }
}

}  // namespace
}  // namespace calmon::config
