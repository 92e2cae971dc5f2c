// roi_files_test.cc — ROI files as the control API carries them: read by their name's
// format, written so that reading them again gives the same ROI set.
#include "config/roi_files.h"

#include <gtest/gtest.h>

#include "config/config_file.h"
#include "core/error.h"

namespace calmon::config {
namespace {

pb::RoiFiles one_file(const std::string& name, const std::string& data) {
  pb::RoiFiles files;
  pb::RoiFile* file = files.add_files();
  file->set_name(name);
  file->set_data(data);
  return files;
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
  EXPECT_EQ(error_of(one_file("cells.txt", "x")).rfind("cells.txt: not an ROI file calmon reads", 0), 0u);
  EXPECT_EQ(error_of(one_file("broken.json", "{\"rois\": [")).rfind("broken.json", 0), 0u);
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
  const pb::RoiSet again = read_roi_files(files);
  ASSERT_EQ(again.rois_size(), 2);
  const pb::Config no_defaults;
  for (int i = 0; i < 2; ++i) {
    const RoiSettings roi = to_roi_settings(again.rois(i), static_cast<std::size_t>(i), no_defaults);
    EXPECT_EQ(roi.name, settings.rois[static_cast<std::size_t>(i)].name);
    EXPECT_EQ(roi.region.pixels(), settings.rois[static_cast<std::size_t>(i)].region.pixels());
    EXPECT_EQ(roi.neuropil.describe(), settings.rois[static_cast<std::size_t>(i)].neuropil.describe());
    EXPECT_EQ(roi.baseline.describe(), "moving median, window 31");
  }
  try {
    write_roi_file(settings.rois, "tar");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "export_rois: format 'tar' is not json");
  }
}

}  // namespace
}  // namespace calmon::config
