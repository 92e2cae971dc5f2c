// config_file_test.cc — JSON config → settings: the defaults the schema documents, and a
// one-line error for malformed JSON, unknown fields and values that make no sense.
#include "config/config_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "io/projection_files.h"

namespace calmon::config {
namespace {

PipelineSettings settings_of(const std::string& json) { return to_pipeline_settings(parse_config(json, "test.json")); }

std::string error_of(const std::string& json) {
  try {
    settings_of(json);
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    return message;
  }
  ADD_FAILURE() << "no error for " << json;
  return "";
}

TEST(ConfigFile, ReadsRegionsNeuropilAndBaselinesOfEveryKind) {
  const PipelineSettings s = settings_of(R"({
    "rois": [
      {"name": "px", "region": {"pixel": {"x": 21, "y": 25}},
       "neuropil": {"region": {"pixel": {"x": 20, "y": 28}}, "r": 1.0},
       "baseline": {"cumulative": {"percentile": 10}}},
      {"name": "box", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}},
       "neuropil": {"ring": {"inner_gap": 3, "min_pixels": 99}},
       "baseline": {"moving": {"window": 201, "percentile": 8}}},
      {"name": "blob", "region": {"mask": {"x": [1, 2], "y": [3, 3], "weight": [0.5, 1.5]}},
       "neuropil": {"global": "MEDIAN", "r": 0.2},
       "baseline": {"maximin": {"window": 60, "sigma": 2.5}}},
      {"region": {"pixel": {"x": 0, "y": 0}}, "baseline": {"cumulative": {"mean": true}}}
    ]})");
  ASSERT_EQ(s.rois.size(), 4u);
  EXPECT_EQ(s.rois[0].region.kind(), Region::Kind::kPixel);
  EXPECT_EQ(s.rois[0].neuropil.source, NeuropilSettings::Source::kRegion);
  EXPECT_EQ(s.rois[0].neuropil.r, 1.0);
  EXPECT_EQ(s.rois[0].baseline.kind, BaselineSettings::Kind::kCumulativeQuantile);
  EXPECT_EQ(s.rois[0].baseline.quantile.percentile_value(), 10.0);
  EXPECT_FALSE(s.rois[0].baseline.quantile.is_median());

  EXPECT_EQ(s.rois[1].region.rect(), (Rect{15, 35, 20, 35}));
  EXPECT_EQ(s.rois[1].neuropil.source, NeuropilSettings::Source::kRing);
  EXPECT_EQ(s.rois[1].neuropil.ring.inner_gap, 3);
  EXPECT_EQ(s.rois[1].neuropil.ring.min_pixels, 99);
  EXPECT_EQ(s.rois[1].neuropil.r, 0.7);
  EXPECT_EQ(s.rois[1].baseline.kind, BaselineSettings::Kind::kMovingQuantile);
  EXPECT_EQ(s.rois[1].baseline.window, 201);

  EXPECT_EQ(s.rois[2].region.pixels().size(), 2u);
  EXPECT_EQ(s.rois[2].region.pixels()[1].weight, 1.5);
  EXPECT_EQ(s.rois[2].neuropil.source, NeuropilSettings::Source::kGlobalMedian);
  EXPECT_EQ(s.rois[2].baseline.kind, BaselineSettings::Kind::kMaximin);
  EXPECT_EQ(s.rois[2].baseline.sigma, 2.5);

  EXPECT_EQ(s.rois[3].name, "roi3");
  EXPECT_EQ(s.rois[3].baseline.kind, BaselineSettings::Kind::kCumulativeMean);
}

TEST(ConfigFile, RoisWithoutTheirOwnTakeTheConfigsDefaultsOrCalmonsDefaults) {
  const PipelineSettings bare = settings_of(R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  EXPECT_EQ(bare.rois[0].neuropil.source, NeuropilSettings::Source::kNone);
  EXPECT_EQ(bare.rois[0].baseline.kind, BaselineSettings::Kind::kMovingQuantile);
  EXPECT_EQ(bare.rois[0].baseline.window, 501);
  EXPECT_TRUE(bare.rois[0].baseline.quantile.is_median());
  EXPECT_TRUE(bare.global_traces);
  EXPECT_FALSE(bare.correlation_image);  // opt-in: it costs more than the rest on big frames
  EXPECT_TRUE(settings_of(R"({"correlation_image": true})").correlation_image);
  ASSERT_EQ(bare.projections.size(), 1u);
  EXPECT_EQ(bare.projections[0].name, "all");
  EXPECT_TRUE(bare.projections[0].stats.empty());

  const PipelineSettings with_defaults = settings_of(R"({
    "neuropil": {"global": "MIN", "r": 0.5}, "baseline": {"moving": {"window": 11}},
    "rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}},
             {"name": "b", "region": {"pixel": {"x": 2, "y": 1}}, "neuropil": {}}],
    "global_traces": false})");
  EXPECT_EQ(with_defaults.rois[0].neuropil.source, NeuropilSettings::Source::kGlobalMin);
  EXPECT_EQ(with_defaults.rois[0].neuropil.r, 0.5);
  EXPECT_EQ(with_defaults.rois[0].baseline.window, 11);
  EXPECT_EQ(with_defaults.rois[1].neuropil.source, NeuropilSettings::Source::kNone);
  EXPECT_FALSE(with_defaults.global_traces);
}

TEST(ConfigFile, ProjectionsGetNamesFromTheirFramesAndCrop) {
  const PipelineSettings s = settings_of(R"({"projections": [
      {"stats": ["MAX"], "range": {"begin": 100, "end": 500}},
      {"range": {"begin": 7}},
      {"last": 50, "crop": {"xmin": 0, "xmax": 10, "ymin": 23, "ymax": 40}},
      {"name": "mine", "stats": ["MEAN", "STD"]}]})");
  ASSERT_EQ(s.projections.size(), 4u);
  EXPECT_EQ(s.projections[0].name, "frames_100_500");
  EXPECT_EQ(s.projections[0].frames, ProjectionSpec::Frames::kRange);
  EXPECT_EQ(s.projections[0].begin, 100);
  EXPECT_EQ(s.projections[0].end, 500);
  EXPECT_EQ(s.projections[0].stats, std::vector<ProjectionStat>{ProjectionStat::kMax});
  EXPECT_EQ(s.projections[1].name, "frames_7_end");
  EXPECT_FALSE(s.projections[1].end.has_value());
  EXPECT_EQ(s.projections[2].name, "last_50_crop_x0-10_y23-40");
  EXPECT_EQ(s.projections[2].last, 50);
  EXPECT_EQ(s.projections[2].crop, (Rect{0, 10, 23, 40}));
  EXPECT_EQ(s.projections[3].name, "mine");
}

TEST(ConfigFile, AcceptsLowerCamelCaseFieldNames) {
  const PipelineSettings s = settings_of(R"({"keepFrames": [0, 5], "globalTraces": false})");
  EXPECT_EQ(s.keep_frames, (std::vector<std::int64_t>{0, 5}));
  EXPECT_FALSE(s.global_traces);
}

TEST(ConfigFile, MalformedJsonIsAnErrorNamingTheFile) {
  const std::string message = error_of(R"({"rois": [)");
  EXPECT_EQ(message.rfind("test.json: invalid config: ", 0), 0u) << message;
}

TEST(ConfigFile, AnUnknownFieldIsAnErrorNotASilentDefault) {
  const std::string message = error_of(R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}},
                                           "baseline": {"moving": {"windw": 11}}}]})");
  EXPECT_NE(message.find("test.json: invalid config: "), std::string::npos) << message;
  EXPECT_NE(message.find("windw"), std::string::npos) << message;
}

TEST(ConfigFile, ValuesThatMakeNoSenseAreOneLineErrorsNamingTheRoi) {
  EXPECT_EQ(
      error_of(
          R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"moving": {"window": 0}}}]})"),
      "ROI 'c': baseline window 0 is below 1");
  EXPECT_EQ(
      error_of(
          R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"moving": {"window": 5, "percentile": 120}}}]})"),
      "ROI 'c': percentile 120 is outside [0, 100]");
  EXPECT_EQ(
      error_of(
          R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"cumulative": {"percentile": -1}}}]})"),
      "ROI 'c': percentile -1 is outside [0, 100]");
  EXPECT_EQ(
      error_of(
          R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"cumulative": {"mean": true, "percentile": 5}}}]})"),
      "ROI 'c': a cumulative baseline is either the mean or a percentile");
  EXPECT_EQ(error_of(R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {}}]})"),
            "ROI 'c': baseline has no kind (give cumulative, moving or maximin)");
  EXPECT_EQ(error_of(R"({"rois": [{"name": "c"}]})"), "ROI 'c': no region (give a pixel, rect or mask)");
  EXPECT_EQ(error_of(R"({"rois": [{"name": "c", "region": {}}]})"), "ROI 'c': no region (give a pixel, rect or mask)");
  EXPECT_EQ(
      error_of(
          R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"maximin": {"window": 9, "sigma": -2}}}]})"),
      "ROI 'c': maximin sigma -2 must be between 0 (no smoothing) and 1e+06 frames");
}

TEST(ConfigFile, AMaximinSigmaTooLargeToSmoothIsAnErrorNotNoSmoothing) {
  // 1e19 frames made the gaussian's radius overflow, which silently meant no smoothing.
  for (const char* sigma : {"1e19", "1000000.5"}) {
    SCOPED_TRACE(sigma);
    const std::string message = error_of(std::string(R"({"baseline": {"maximin": {"window": 9, "sigma": )") + sigma +
                                         R"(}}, "rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}}]})");
    EXPECT_EQ(message.rfind("ROI 'c': maximin sigma ", 0), 0u) << message;
    EXPECT_NE(message.find("must be between 0 (no smoothing) and 1e+06 frames"), std::string::npos) << message;
  }
  EXPECT_EQ(settings_of(R"({"baseline": {"maximin": {"window": 9, "sigma": 1e6}},
                            "rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}}]})")
                .rois[0]
                .baseline.sigma,
            1e6);
}

TEST(ConfigFile, AProjectionNameThatCannotNameAFileIsAnErrorNamingTheRule) {
  const std::string rule = "names must be 1 to 100 characters of A-Z a-z 0-9 . _ -, not starting with '.'";
  EXPECT_EQ(error_of(R"({"projections": [{"name": "all"}, {"name": "../ESCAPED"}]})"),
            "projection 1: name \"../ESCAPED\" cannot name a file: " + rule);
  EXPECT_EQ(error_of(R"({"projections": [{"name": "cut\u0000short"}]})"),
            "projection 0: name \"cut\\x00short\" cannot name a file: " + rule);
  const std::vector<std::string> names = {".hidden", "/etc/passwd", "a b", "caf\u00e9", std::string(101, 'x')};
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string message = error_of(R"({"projections": [{"name": ")" + name + R"("}]})");
    EXPECT_EQ(message.rfind("projection 0: name \"", 0), 0u) << message;
    EXPECT_NE(message.find(rule), std::string::npos) << message;
  }
  EXPECT_EQ(settings_of(R"({"projections": [{"name": "Cell-1_crop.v2"}]})").projections[0].name, "Cell-1_crop.v2");
}

TEST(ConfigFile, TheFrameRateNamesTimesAndMustBePositive) {
  EXPECT_FALSE(to_pipeline_settings(parse_config("{}", "test")).frame_rate_hz.has_value());
  EXPECT_EQ(to_pipeline_settings(parse_config(R"({"frame_rate_hz": 30.5})", "test")).frame_rate_hz, 30.5);
  EXPECT_EQ(error_of(R"({"frame_rate_hz": 0})"), "frame_rate_hz must be a positive number of frames per second, not 0");
  EXPECT_EQ(error_of(R"({"frame_rate_hz": -30})"),
            "frame_rate_hz must be a positive number of frames per second, not -30");
  EXPECT_EQ(error_of(R"({"frame_rate_hz": "Infinity"})"),
            "frame_rate_hz must be a positive number of frames per second, not inf");
}

TEST(ConfigFile, LoadsFromAFileAndReportsAMissingOne) {
  const std::filesystem::path dir = CALMON_TEST_TMPDIR;
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "config_file_test.json").string();
  std::ofstream(path) << R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 2}}}]})";
  EXPECT_EQ(load_config(path).rois(0).region().pixel().y(), 2);
  try {
    load_config(path + ".missing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ".missing: cannot open the file");
  }
}

TEST(ConfigFile, MotionTakesItsDefaultsAndReadsTheReferenceFile) {
  EXPECT_FALSE(to_pipeline_settings(parse_config("{}", "test")).motion.has_value());
  const PipelineSettings defaults = to_pipeline_settings(parse_config(R"({"motion": {}})", "test"));
  ASSERT_TRUE(defaults.motion.has_value());
  EXPECT_EQ(defaults.motion->reference_frames, 100);
  EXPECT_EQ(defaults.motion->reference_iterations, 3);
  EXPECT_EQ(defaults.motion->template_update, 0.0);
  EXPECT_EQ(defaults.motion->rigid.max_shift, 20);
  EXPECT_EQ(defaults.motion->rigid.upsample_factor, 10);
  EXPECT_FALSE(defaults.motion->reference.has_value());
  EXPECT_FALSE(defaults.motion->piecewise.has_value());
  const PipelineSettings blocks =
      to_pipeline_settings(parse_config(R"({"motion": {"piecewise": {"block_size": 64}}})", "test"));
  ASSERT_TRUE(blocks.motion->piecewise.has_value());
  EXPECT_EQ(blocks.motion->piecewise->block_size, 64);
  EXPECT_EQ(blocks.motion->piecewise->block_overlap, 32);
  EXPECT_EQ(blocks.motion->piecewise->max_deviation, 5.0);

  const std::filesystem::path dir = CALMON_TEST_TMPDIR;
  std::filesystem::create_directories(dir);
  const Image yesterday{FrameShape{3, 2}, {1.0, 2.5, 3.0, 4.0, 5.0, 6.25}};
  io::write_image((dir / "yesterday_mean").string(), yesterday);
  const std::string path = (dir / "yesterday_mean.npy").string();
  const PipelineSettings given = to_pipeline_settings(
      parse_config(R"({"motion": {"reference_file": ")" + path + R"(", "max_shift": 4}})", "test"));
  ASSERT_TRUE(given.motion->reference.has_value());
  EXPECT_EQ(given.motion->reference->shape, yesterday.shape);
  EXPECT_EQ(given.motion->reference->pixels, yesterday.pixels);
  EXPECT_EQ(given.motion->rigid.max_shift, 4);
  try {
    to_pipeline_settings(parse_config(R"({"motion": {"reference_file": ")" + path + R"(.missing"}})", "test"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("motion: reference_file: " + path + ".missing: ", 0), 0u) << e.what();
  }
  try {
    to_pipeline_settings(parse_config(R"({"motion": {"template_update": -0.5}})", "test"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "motion: template_update -0.5 must be at least 0 and below 1");
  }
}

TEST(ConfigFile, AnRoiSetFileHoldsJustRois) {
  const pb::RoiSet set =
      parse_roi_set(R"({"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 2}}}]})", "rois.json");
  ASSERT_EQ(set.rois_size(), 1);
  EXPECT_THROW(parse_roi_set(R"({"rois": [], "keep_frames": [1]})", "rois.json"), Error);
}

}  // namespace
}  // namespace calmon::config
