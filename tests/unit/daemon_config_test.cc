// daemon_config_test.cc — calmond's settings: the schema's defaults, a config file read
// through protobuf's JSON mapping (unknown fields are errors), flags that override it,
// and one line for every value that makes no sense.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/daemon_config_file.h"
#include "core/error.h"
#include "daemon/command_line.h"
#include "test_support.h"

namespace calmon::daemon {
namespace {

const std::string kFolder = "daemon_config_test";

CommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "calmond");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

void expect_one_line(const CommandLine& result, CommandLine::Action action, const std::string& expected) {
  EXPECT_EQ(result.action, action) << result.message;
  EXPECT_EQ(result.message.find('\n'), std::string::npos) << result.message;
  EXPECT_NE(result.message.find(expected), std::string::npos) << "message: " << result.message
                                                              << "\nexpected: " << expected;
}

TEST(DaemonConfig, WithoutConfigOrFlagsEverythingHasItsDefault) {
  const CommandLine result = parse({});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  const DaemonSettings& s = result.settings;
  EXPECT_EQ(s.ingest, "tcp://127.0.0.1:5570");
  EXPECT_EQ(s.ingest_mode, DaemonSettings::IngestMode::kPull);
  EXPECT_EQ(s.publish, "tcp://127.0.0.1:5571");
  EXPECT_EQ(s.control, "tcp://127.0.0.1:5572");
  EXPECT_EQ(s.analysis.rois_size(), 0);
  EXPECT_EQ(s.analysis_source, "");
  EXPECT_EQ(s.snapshot_hz, 2.0);
  EXPECT_EQ(s.status_interval_s, 1.0);
  EXPECT_EQ(s.max_frame_bytes, 64u << 20);
  EXPECT_FALSE(s.reset_on_geometry_change);
  EXPECT_EQ(s.channel, 0u);
  EXPECT_EQ(s.plane, 0u);
  EXPECT_EQ(s.publish_hwm, 1000);
  EXPECT_EQ(s.ingest_hwm, 2);
  EXPECT_EQ(s.linger_s, 1.0);
  EXPECT_EQ(s.ingest_queue_bytes, 256u << 20);
  EXPECT_EQ(s.publish_budget_bytes, 256u << 20);
  EXPECT_EQ(s.subscriber_timeout_s, 10.0);
  EXPECT_EQ(s.max_rois, 20000u);
  EXPECT_EQ(s.max_roi_pixels, 8192u);
  EXPECT_EQ(s.max_request_bytes, 64u << 20);
}

TEST(DaemonConfig, AConfigFileSetsEveryField) {
  const auto dir = test::temp_dir(kFolder);
  write(dir / "analysis.json", R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  const std::string config = write(dir / "daemon.json", R"({
    "ingest": "tcp://10.0.0.5:6000", "ingest_mode": "SUB", "publish": "tcp://*:6001",
    "control": "ipc:///tmp/calmond-control", "analysis_file": "analysis.json", "snapshot_hz": 0,
    "status_interval_s": 0.25, "max_frame_bytes": 1000, "reset_on_geometry_change": true,
    "channel": 2, "plane": 3, "publish_hwm": 10, "ingest_hwm": 1, "linger_s": 0.5,
    "ingest_queue_mib": 8, "publish_budget_mib": 32, "subscriber_timeout_s": 2.5, "max_rois": 100,
    "max_roi_pixels": 50, "max_request_mib": 3})");
  const CommandLine result = parse({"--config", config});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  const DaemonSettings& s = result.settings;
  EXPECT_EQ(s.ingest, "tcp://10.0.0.5:6000");
  EXPECT_EQ(s.ingest_mode, DaemonSettings::IngestMode::kSub);
  EXPECT_EQ(s.publish, "tcp://*:6001");
  EXPECT_EQ(s.control, "ipc:///tmp/calmond-control");
  ASSERT_EQ(s.analysis.rois_size(), 1);  // relative to the config's folder
  EXPECT_EQ(s.analysis.rois(0).name(), "c");
  EXPECT_EQ(s.snapshot_hz, 0.0);
  EXPECT_EQ(s.status_interval_s, 0.25);
  EXPECT_EQ(s.max_frame_bytes, 1000u);
  EXPECT_TRUE(s.reset_on_geometry_change);
  EXPECT_EQ(s.channel, 2u);
  EXPECT_EQ(s.plane, 3u);
  EXPECT_EQ(s.publish_hwm, 10);
  EXPECT_EQ(s.ingest_hwm, 1);
  EXPECT_EQ(s.linger_s, 0.5);
  EXPECT_EQ(s.ingest_queue_bytes, 8u << 20);
  EXPECT_EQ(s.publish_budget_bytes, 32u << 20);
  EXPECT_EQ(s.subscriber_timeout_s, 2.5);
  EXPECT_EQ(s.max_rois, 100u);
  EXPECT_EQ(s.max_roi_pixels, 50u);
  EXPECT_EQ(s.max_request_bytes, 3u << 20);
}

TEST(DaemonConfig, TheAnalysisMayBeInline) {
  const auto dir = test::temp_dir(kFolder);
  const std::string config = write(
      dir / "daemon.json", R"({"analysis": {"baseline": {"moving": {"window": 9}}, "global_traces": false}})");
  const CommandLine result = parse({"--config", config});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  EXPECT_EQ(result.settings.analysis.baseline().moving().window(), 9);
  EXPECT_EQ(result.settings.analysis_source, config);
}

TEST(DaemonConfig, FlagsOverrideTheConfigFile) {
  const auto dir = test::temp_dir(kFolder);
  const std::string config = write(dir / "daemon.json", R"({
    "ingest": "tcp://127.0.0.1:1", "publish": "tcp://127.0.0.1:2", "control": "tcp://127.0.0.1:3",
    "snapshot_hz": 5, "channel": 1, "analysis": {"rois": []}})");
  const std::string analysis = write(dir / "other.json", R"({"rois": [{"name": "x", "region": {"pixel": {}}}]})");
  const CommandLine result =
      parse({"--config", config, "--ingest", "tcp://127.0.0.1:*", "--ingest-mode", "sub", "--publish",
             "tcp://127.0.0.1:7", "--control", "tcp://127.0.0.1:8", "--snapshot-hz", "0.5", "--max-frame-mib", "2",
             "--reset-on-geometry-change", "--channel", "4", "--plane", "5", "--analysis", analysis,
             "--status-interval", "3", "--publish-hwm", "7", "--ingest-hwm", "9", "--linger", "0",
             "--ingest-queue-mib", "16", "--publish-budget-mib", "64", "--subscriber-timeout", "0",
             "--max-rois", "5", "--max-roi-pixels", "9", "--max-request-mib", "2"});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  const DaemonSettings& s = result.settings;
  EXPECT_EQ(s.ingest, "tcp://127.0.0.1:*");
  EXPECT_EQ(s.ingest_mode, DaemonSettings::IngestMode::kSub);
  EXPECT_EQ(s.publish, "tcp://127.0.0.1:7");
  EXPECT_EQ(s.control, "tcp://127.0.0.1:8");
  EXPECT_EQ(s.snapshot_hz, 0.5);
  EXPECT_EQ(s.max_frame_bytes, 2u << 20);
  EXPECT_TRUE(s.reset_on_geometry_change);
  EXPECT_EQ(s.channel, 4u);
  EXPECT_EQ(s.plane, 5u);
  ASSERT_EQ(s.analysis.rois_size(), 1);  // --analysis replaces the inline analysis
  EXPECT_EQ(s.analysis_source, std::filesystem::absolute(analysis).string());
  EXPECT_EQ(s.status_interval_s, 3.0);
  EXPECT_EQ(s.publish_hwm, 7);
  EXPECT_EQ(s.ingest_hwm, 9);
  EXPECT_EQ(s.linger_s, 0.0);
  EXPECT_EQ(s.ingest_queue_bytes, 16u << 20);
  EXPECT_EQ(s.publish_budget_bytes, 64u << 20);
  EXPECT_EQ(s.subscriber_timeout_s, 0.0);
  EXPECT_EQ(s.max_rois, 5u);
  EXPECT_EQ(s.max_roi_pixels, 9u);
  EXPECT_EQ(s.max_request_bytes, 2u << 20);
}

TEST(DaemonConfig, TheAnalysisConfigIsHeldToTheRoiLimits) {
  const auto dir = test::temp_dir(kFolder);
  const std::string analysis = write(dir / "limits.json", R"({"rois": [
      {"name": "a", "region": {"pixel": {"x": 0, "y": 0}}},
      {"name": "big", "region": {"rect": {"xmin": 0, "xmax": 10, "ymin": 0, "ymax": 10}}}]})");
  ASSERT_EQ(parse({"--analysis", analysis}).action, CommandLine::Action::kRun);
  expect_one_line(parse({"--analysis", analysis, "--max-rois", "1"}), CommandLine::Action::kConfigError,
                  "limits.json: 2 ROIs; the limit is 1 per set (--max-rois)");
  expect_one_line(parse({"--analysis", analysis, "--max-roi-pixels", "99"}), CommandLine::Action::kConfigError,
                  "limits.json: ROI 'big': region of 100 pixels; the limit is 99 per region (--max-roi-pixels)");
  const std::string neuropil = write(dir / "neuropil.json", R"({"neuropil": {"region": {"mask": {"x": [1, 2], "y": [1, 1]}}}})");
  expect_one_line(parse({"--analysis", neuropil, "--max-roi-pixels", "1"}), CommandLine::Action::kConfigError,
                  "neuropil.json: default neuropil: neuropil region of 2 pixels; the limit is 1");
}

TEST(DaemonConfig, AnUnknownFieldIsAnErrorNamingTheFile) {
  const auto dir = test::temp_dir(kFolder);
  const std::string config = write(dir / "daemon.json", R"({"ingest": "tcp://127.0.0.1:1", "snapshot_rate": 2})");
  expect_one_line(parse({"--config", config}), CommandLine::Action::kConfigError, config + ": invalid daemon config");
  expect_one_line(parse({"--config", config}), CommandLine::Action::kConfigError, "snapshot_rate");
  test::expect_error([&] { config::load_daemon_config(config); }, config, "snapshot_rate");
}

TEST(DaemonConfig, ConfigFilesThatCannotBeUsedAreOneLineErrors) {
  const auto dir = test::temp_dir(kFolder);
  const std::string missing = (dir / "missing.json").string();
  expect_one_line(parse({"--config", missing}), CommandLine::Action::kConfigError, missing + ": cannot open");
  expect_one_line(parse({"--analysis", missing}), CommandLine::Action::kConfigError, "missing.json: cannot open");
  const std::string both = write(dir / "both.json", R"({"analysis": {}, "analysis_file": "a.json"})");
  expect_one_line(parse({"--config", both}), CommandLine::Action::kConfigError, "not both");
  const std::string bad_roi = write(dir / "bad_roi.json", R"({"rois": [{"name": "r"}]})");
  expect_one_line(parse({"--analysis", bad_roi}), CommandLine::Action::kConfigError,
                  "bad_roi.json: ROI 'r': no region");
  const std::string bad_window = write(dir / "window.json", R"({"baseline": {"moving": {"window": 0}}, "rois": [
      {"name": "r", "region": {"pixel": {"x": 0, "y": 0}}}]})");
  expect_one_line(parse({"--analysis", bad_window}), CommandLine::Action::kConfigError, "ROI 'r'");
  for (const auto& [json, expected] : std::vector<std::pair<std::string, std::string>>{
           {R"({"snapshot_hz": -1})", "snapshot_hz = -1 must be finite and >= 0"},
           {R"({"status_interval_s": 0})", "status_interval_s = 0 must be finite and > 0"},
           {R"({"max_frame_bytes": 0})", "max_frame_bytes must be > 0"},
           {R"({"publish_hwm": -5})", "publish_hwm = -5 must be >= 0"},
           {R"({"ingest_hwm": 0})", "ingest_hwm = 0 must be >= 1"},
           {R"({"ingest_queue_mib": 0})", "ingest_queue_mib = 0 must be from 1 to 1048576"},
           {R"({"publish_budget_mib": 2000000})", "publish_budget_mib = 2000000 must be from 1 to 1048576"},
           {R"({"subscriber_timeout_s": -1})", "subscriber_timeout_s = -1 must be finite and >= 0"},
           {R"({"subscriber_timeout_s": 1e9})", "subscriber_timeout_s = 1e+09 must be at most 86400"},
           {R"({"max_rois": 0})", "max_rois must be > 0"},
           {R"({"max_roi_pixels": 0})", "max_roi_pixels must be > 0"},
           {R"({"max_request_mib": 0})", "max_request_mib = 0 must be from 1"},
           {R"({"ingest": ""})", "ingest endpoint is empty"},
           {R"({"control": "127.0.0.1:5572"})", "has no transport"},
           {R"({"ingest_mode": "PUSH"})", "invalid daemon config"}}) {
    const std::string path = write(dir / "values.json", json);
    expect_one_line(parse({"--config", path}), CommandLine::Action::kConfigError, expected);
  }
}

TEST(DaemonConfig, BadFlagsAreUsageErrors) {
  for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--bogus"}, "unrecognised option '--bogus'"},
           {{"--snapshot-hz", "fast"}, "--snapshot-hz expects a number >= 0, got 'fast'"},
           {{"--snapshot-hz", "-2"}, "--snapshot-hz expects a number >= 0"},
           {{"--snapshot-hz", "inf"}, "--snapshot-hz expects a number"},
           {{"--status-interval", "0"}, "--status-interval expects a number > 0"},
           {{"--max-frame-mib", "0"}, "--max-frame-mib expects a number > 0"},
           {{"--channel", "-1"}, "--channel expects an integer from 0 to 4294967295, got '-1'"},
           {{"--plane", "1.5"}, "--plane expects an integer"},
           {{"--publish-hwm", "x"}, "--publish-hwm expects an integer"},
           {{"--max-rois", "-3"}, "--max-rois expects an integer from 0 to 4294967295, got '-3'"},
           {{"--subscriber-timeout", "soon"}, "--subscriber-timeout expects a number >= 0"},
           {{"--ingest-mode", "push"}, "--ingest-mode expects pull or sub, got 'push'"},
           {{"--ingest"}, "--ingest"},
           {{"movie.tif"}, "unexpected argument"},
           {{"--channel", "1", "--channel", "2"}, "channel"}}) {
    expect_one_line(parse(args), CommandLine::Action::kUsageError, expected);
  }
}

TEST(DaemonConfig, HelpIsAnAction) {
  EXPECT_EQ(parse({"--help"}).action, CommandLine::Action::kHelp);
  EXPECT_EQ(parse({"-h"}).action, CommandLine::Action::kHelp);
  const std::string_view usage = daemon_usage();
  for (const char* flag : {"--config", "--analysis", "--ingest", "--ingest-mode", "--publish", "--control",
                           "--snapshot-hz", "--max-frame-mib", "--reset-on-geometry-change", "--channel", "--plane",
                           "--ingest-queue-mib", "--publish-budget-mib", "--subscriber-timeout", "--max-rois",
                           "--max-roi-pixels", "--max-request-mib"}) {
    EXPECT_NE(usage.find(flag), std::string_view::npos) << flag;
  }
}

}  // namespace
}  // namespace calmon::daemon
