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
#include "net/curve_keys.h"
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
  EXPECT_NE(result.message.find(expected), std::string::npos)
      << "message: " << result.message << "\nexpected: " << expected;
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
  EXPECT_EQ(s.http, "127.0.0.1:8080");
  EXPECT_EQ(s.http_token_mode, DaemonSettings::HttpTokenMode::kAuto);
  EXPECT_EQ(s.http_token, "");
  EXPECT_TRUE(s.http_allowed_hosts.empty());
  EXPECT_EQ(s.http_max_connections, 64u);
  EXPECT_EQ(s.http_idle_timeout_s, 5.0);
  EXPECT_FALSE(s.allow_unprotected);
  EXPECT_FALSE(dashboard_on_network(s));
  EXPECT_FALSE(s.curve_keys);
  EXPECT_TRUE(s.authorized_client_keys.empty());
  EXPECT_EQ(s.ingest_server_key, "");
  EXPECT_EQ(s.max_sequence_jump, 1'000'000u);
  EXPECT_EQ(s.ingest_queue_bytes, 256u << 20);
  EXPECT_EQ(s.publish_budget_bytes, 256u << 20);
  EXPECT_EQ(s.dashboard_history_bytes, 1250u << 20);
  EXPECT_EQ(s.subscriber_timeout_s, 10.0);
  EXPECT_EQ(s.roi_limits.max_rois, 20000u);
  EXPECT_EQ(s.roi_limits.max_roi_pixels, 8192u);
  EXPECT_EQ(s.max_request_bytes, 64u << 20);
  EXPECT_EQ(s.roi_limits.baselines.max_bytes, std::size_t{4096} << 20);
  EXPECT_EQ(s.roi_limits.baselines.max_window, 1'000'000);
}

TEST(DaemonConfig, AConfigFileSetsEveryField) {
  const auto dir = test::temp_dir(kFolder);
  write(dir / "analysis.json", R"({"rois": [{"name": "c", "region": {"pixel": {"x": 1, "y": 1}}}]})");
  const std::string config = write(dir / "daemon.json", R"({
    "ingest": "tcp://10.0.0.5:6000", "ingest_mode": "SUB", "publish": "tcp://*:6001",
    "control": "ipc:///tmp/calmond-control", "analysis_file": "analysis.json", "snapshot_hz": 0,
    "status_interval_s": 0.25, "max_frame_bytes": 1000, "reset_on_geometry_change": true,
    "channel": 2, "plane": 3, "publish_hwm": 10, "ingest_hwm": 1, "linger_s": 0.5,
    "http": "0.0.0.0:8081", "http_token": "s3cret-Token_1.~", "http_allowed_hosts": ["scope1", "scope1.lab"],
    "http_max_connections": 8, "http_idle_timeout_s": 2.5, "allow_unprotected": true,
    "max_sequence_jump": "18446744073709551615", "ingest_queue_mib": 8, "publish_budget_mib": 32,
    "subscriber_timeout_s": 2.5, "max_rois": 100, "max_roi_pixels": 50, "max_request_mib": 3,
    "max_baseline_mib": 12, "max_baseline_window": 3000, "dashboard_history_mib": 0})");
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
  EXPECT_EQ(s.http, "0.0.0.0:8081");
  EXPECT_TRUE(dashboard_on_network(s));
  EXPECT_EQ(s.http_token_mode, DaemonSettings::HttpTokenMode::kFixed);
  EXPECT_EQ(s.http_token, "s3cret-Token_1.~");
  EXPECT_EQ(s.http_allowed_hosts, (std::vector<std::string>{"scope1", "scope1.lab"}));
  EXPECT_EQ(s.http_max_connections, 8u);
  EXPECT_EQ(s.http_idle_timeout_s, 2.5);
  EXPECT_TRUE(s.allow_unprotected);
  EXPECT_EQ(s.max_sequence_jump, 18446744073709551615u);
  EXPECT_EQ(s.ingest_queue_bytes, 8u << 20);
  EXPECT_EQ(s.publish_budget_bytes, 32u << 20);
  EXPECT_EQ(s.dashboard_history_bytes, 0u) << "no history";
  EXPECT_EQ(s.subscriber_timeout_s, 2.5);
  EXPECT_EQ(s.roi_limits.max_rois, 100u);
  EXPECT_EQ(s.roi_limits.max_roi_pixels, 50u);
  EXPECT_EQ(s.max_request_bytes, 3u << 20);
  EXPECT_EQ(s.roi_limits.baselines.max_bytes, 12u << 20);
  EXPECT_EQ(s.roi_limits.baselines.max_window, 3000);
}

TEST(DaemonConfig, TheDashboardTokenIsAutoNoneGivenOrReadFromAFile) {
  using Mode = DaemonSettings::HttpTokenMode;
  EXPECT_EQ(parse({"--http-token", "none"}).settings.http_token_mode, Mode::kNone);
  EXPECT_EQ(parse({"--http-token", "auto"}).settings.http_token_mode, Mode::kAuto);
  const CommandLine given = parse({"--http-token", "abc123"});
  EXPECT_EQ(given.settings.http_token_mode, Mode::kFixed);
  EXPECT_EQ(given.settings.http_token, "abc123");

  const auto dir = test::temp_dir(kFolder);
  const std::string file = write(dir / "token", "f00d-token\n");
  const CommandLine from_file = parse({"--http-token-file", file});
  ASSERT_EQ(from_file.action, CommandLine::Action::kRun) << from_file.message;
  EXPECT_EQ(from_file.settings.http_token_mode, Mode::kFixed);
  EXPECT_EQ(from_file.settings.http_token, "f00d-token");
  // In a config file the path is relative to its folder; a flag replaces the file's token.
  const std::string config = write(dir / "daemon.json", R"({"http_token_file": "token"})");
  EXPECT_EQ(parse({"--config", config}).settings.http_token, "f00d-token");
  const CommandLine flag_wins = parse({"--config", config, "--http-token", "none"});
  ASSERT_EQ(flag_wins.action, CommandLine::Action::kRun) << flag_wins.message;
  EXPECT_EQ(flag_wins.settings.http_token_mode, Mode::kNone);

  expect_one_line(parse({"--http-token", "has space"}), CommandLine::Action::kConfigError,
                  "http_token must be auto, none or a token of letters, digits and . _ ~ - only");
  expect_one_line(parse({"--http-token", "a;b"}), CommandLine::Action::kConfigError, "http_token must be");
  expect_one_line(parse({"--http-token", "x", "--http-token-file", file}), CommandLine::Action::kUsageError,
                  "contradict");
  const std::string both = write(dir / "both.json", R"({"http_token": "x", "http_token_file": "token"})");
  expect_one_line(parse({"--config", both}), CommandLine::Action::kConfigError, "not both");
  const std::string empty = write(dir / "empty", "\n");
  expect_one_line(parse({"--http-token-file", empty}), CommandLine::Action::kConfigError,
                  "empty: the first line must be the token");
  expect_one_line(parse({"--http-token-file", (dir / "missing").string()}), CommandLine::Action::kConfigError,
                  "missing: cannot open the dashboard's token file");
}

TEST(DaemonConfig, HttpLimitsAndAllowedHostsComeFromFlags) {
  const CommandLine result = parse({"--http-allow-host", "scope1", "--http-allow-host", "10.0.0.9",
                                    "--http-max-connections", "3", "--http-idle-timeout", "0.5"});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  EXPECT_EQ(result.settings.http_allowed_hosts, (std::vector<std::string>{"scope1", "10.0.0.9"}));
  EXPECT_EQ(result.settings.http_max_connections, 3u);
  EXPECT_EQ(result.settings.http_idle_timeout_s, 0.5);
  expect_one_line(parse({"--http-max-connections", "0"}), CommandLine::Action::kConfigError,
                  "http_max_connections must be > 0");
  expect_one_line(parse({"--http-idle-timeout", "0"}), CommandLine::Action::kUsageError,
                  "--http-idle-timeout expects a number > 0");
  expect_one_line(parse({"--http-allow-host", "a b"}), CommandLine::Action::kConfigError,
                  "http_allowed_hosts: 'a b' is not a host name or address");
  expect_one_line(parse({"--http-allow-host", "scope1:8080"}), CommandLine::Action::kConfigError,
                  "http_allowed_hosts: 'scope1:8080' names a port; give the name or address alone");
  expect_one_line(parse({"--http-allow-host", "[::1]:8080"}), CommandLine::Action::kConfigError,
                  "'[::1]:8080' names a port");
  const CommandLine ipv6 = parse({"--http-allow-host", "fe80::1", "--http-allow-host", "[::2]"});
  ASSERT_EQ(ipv6.action, CommandLine::Action::kRun) << ipv6.message;
}

TEST(DaemonConfig, TheAnalysisMayBeInline) {
  const auto dir = test::temp_dir(kFolder);
  const std::string config =
      write(dir / "daemon.json", R"({"analysis": {"baseline": {"moving": {"window": 9}}, "global_traces": false}})");
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
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  const CommandLine result =
      parse({"--config", config, "--ingest", "tcp://127.0.0.1:*", "--ingest-mode", "sub", "--publish",
             "tcp://127.0.0.1:7", "--control", "tcp://127.0.0.1:8", "--snapshot-hz", "0.5", "--max-frame-mib", "2",
             "--reset-on-geometry-change", "--channel", "4", "--plane", "5", "--analysis", analysis,
             "--status-interval", "3", "--publish-hwm", "7", "--ingest-hwm", "9", "--linger", "0",
             "--max-sequence-jump", "0",
             "--ingest-queue-mib", "16", "--publish-budget-mib", "64", "--subscriber-timeout", "0",
             "--max-rois", "5", "--max-roi-pixels", "9", "--max-request-mib", "2",
             "--max-baseline-mib", "100", "--max-baseline-window", "77", "--dashboard-history-mib", "20"});
  // clang-format on
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
  EXPECT_EQ(s.max_sequence_jump, 0u);  // no limit
  EXPECT_EQ(s.ingest_queue_bytes, 16u << 20);
  EXPECT_EQ(s.publish_budget_bytes, 64u << 20);
  EXPECT_EQ(s.dashboard_history_bytes, 20u << 20);
  EXPECT_EQ(s.subscriber_timeout_s, 0.0);
  EXPECT_EQ(s.roi_limits.max_rois, 5u);
  EXPECT_EQ(s.roi_limits.max_roi_pixels, 9u);
  EXPECT_EQ(s.max_request_bytes, 2u << 20);
  EXPECT_EQ(s.roi_limits.baselines.max_bytes, 100u << 20);
  EXPECT_EQ(s.roi_limits.baselines.max_window, 77);
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
  const std::string neuropil =
      write(dir / "neuropil.json", R"({"neuropil": {"region": {"mask": {"x": [1, 2], "y": [1, 1]}}}})");
  expect_one_line(parse({"--analysis", neuropil, "--max-roi-pixels", "1"}), CommandLine::Action::kConfigError,
                  "neuropil.json: default neuropil: neuropil region of 2 pixels; the limit is 1");
}

TEST(DaemonConfig, TheAnalysisConfigIsHeldToTheBaselineLimits) {
  const auto dir = test::temp_dir(kFolder);
  const std::string analysis = write(dir / "baselines.json", R"({"baseline": {"moving": {"window": 3000}}, "rois": [
      {"name": "a", "region": {"pixel": {"x": 0, "y": 0}}},
      {"name": "slow", "region": {"pixel": {"x": 1, "y": 0}}, "baseline": {"maximin": {"window": 2147483647}}}]})");
  expect_one_line(parse({"--analysis", analysis}), CommandLine::Action::kConfigError,
                  "baselines.json: ROI 'slow': baseline window of 2147483647 frames (maximin.window); the limit is "
                  "1000000 per window (--max-baseline-window)");
  expect_one_line(parse({"--analysis", analysis, "--max-baseline-window", "2999"}), CommandLine::Action::kConfigError,
                  "baselines.json: default baseline: baseline window of 3000 frames (moving.window); the limit is "
                  "2999 per window (--max-baseline-window)");
  const std::string fits = write(dir / "fits.json", R"({"baseline": {"moving": {"window": 40000}}, "rois": [
      {"name": "a", "region": {"pixel": {"x": 0, "y": 0}}},
      {"name": "b", "region": {"pixel": {"x": 1, "y": 0}}}]})");
  ASSERT_EQ(parse({"--analysis", fits, "--max-baseline-mib", "4"}).action, CommandLine::Action::kRun);
  expect_one_line(parse({"--analysis", fits, "--max-baseline-mib", "3"}), CommandLine::Action::kConfigError,
                  "fits.json: ROI set needs 4 MiB of baseline state (2 ROIs × windows of up to 40000 frames); the "
                  "limit is 3 MiB (--max-baseline-mib)");
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
  const std::string same_id = write(dir / "same_id.json", R"({"rois": [
      {"name": "a", "id": 3, "region": {"pixel": {"x": 0, "y": 0}}},
      {"name": "b", "id": 3, "region": {"pixel": {"x": 1, "y": 0}}}]})");
  expect_one_line(parse({"--analysis", same_id}), CommandLine::Action::kConfigError,
                  "same_id.json: ROI id 3 is used twice");
  const std::string bad_window = write(dir / "window.json", R"({"baseline": {"moving": {"window": 0}}, "rois": [
      {"name": "r", "region": {"pixel": {"x": 0, "y": 0}}}]})");
  expect_one_line(parse({"--analysis", bad_window}), CommandLine::Action::kConfigError,
                  "window.json: default baseline: baseline window 0 is below 1");
  const std::string escaping = write(dir / "escaping.json", R"({"projections": [{"name": "../ESCAPED"}]})");
  expect_one_line(parse({"--analysis", escaping}), CommandLine::Action::kConfigError,
                  "escaping.json: projection 0: name \"../ESCAPED\" cannot name a file");
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
           {R"({"max_baseline_mib": 0})", "max_baseline_mib = 0 must be from 1 to 1048576"},
           {R"({"max_baseline_window": 0})", "max_baseline_window = 0 must be from 1 to 1073741824 frames"},
           {R"({"max_baseline_window": 1073741825})", "max_baseline_window = 1073741825 must be from 1"},
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
           {{"--max-sequence-jump", "-1"}, "--max-sequence-jump expects an integer from 0 to 18446744073709551615"},
           {{"--max-rois", "-3"}, "--max-rois expects an integer from 0 to 4294967295, got '-3'"},
           {{"--max-baseline-mib", "lots"}, "--max-baseline-mib expects an integer"},
           {{"--max-baseline-window", "1e6"}, "--max-baseline-window expects an integer"},
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
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  for (const char* flag : {"--config", "--analysis", "--ingest", "--ingest-mode", "--publish", "--control",
                           "--snapshot-hz", "--max-frame-mib", "--reset-on-geometry-change", "--channel", "--plane",
                           "--http-token", "--http-token-file", "--http-allow-host", "--http-max-connections",
                           "--http-idle-timeout", "--allow-unprotected", "--ingest-queue-mib", "--publish-budget-mib",
                           "--subscriber-timeout", "--max-rois", "--max-roi-pixels", "--max-request-mib",
                           "--max-baseline-mib", "--max-baseline-window"}) {
    // clang-format on
    EXPECT_NE(usage.find(flag), std::string_view::npos) << flag;
  }
}

// --- CURVE and protected mode --------------------------------------------------------------

struct KeyFolder {
  std::filesystem::path dir;
  net::CurveKeyPair calmond = net::generate_curve_key_pair();
  net::CurveKeyPair client = net::generate_curve_key_pair();
  net::CurveKeyPair publisher = net::generate_curve_key_pair();

  KeyFolder() : dir(test::temp_dir(kFolder)) {
    std::filesystem::create_directories(dir / "clients");
    net::write_curve_key_pair(dir / "calmond", calmond, "test");
    net::write_curve_key_pair(dir / "clients" / "alice", client, "test");
    net::write_curve_key_pair(dir / "publisher", publisher, "test");
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

TEST(DaemonConfig, CurveFlagsLoadTheKeys) {
  const KeyFolder keys;
  const CommandLine result =
      parse({"--curve-secret-key", keys.path("calmond.key_secret"), "--curve-authorized-keys", keys.path("clients")});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  ASSERT_TRUE(result.settings.curve_keys);
  EXPECT_EQ(result.settings.curve_keys->public_key, keys.calmond.public_key);
  EXPECT_EQ(result.settings.curve_keys->secret_key, keys.calmond.secret_key);
  EXPECT_EQ(result.settings.authorized_client_keys, std::vector<std::string>{keys.client.public_key});
  EXPECT_EQ(result.settings.curve_authorized_keys, keys.path("clients"));
}

TEST(DaemonConfig, CurveFieldsOfAConfigFileAreRelativeToIt) {
  const KeyFolder keys;
  const std::string config = write(keys.dir / "daemon.json", R"({
    "curve_secret_key_file": "calmond.key_secret", "curve_authorized_keys": "clients",
    "ingest_mode": "SUB", "ingest_server_key_file": "publisher.key", "allow_unprotected": true})");
  const CommandLine result = parse({"--config", config});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  ASSERT_TRUE(result.settings.curve_keys);
  EXPECT_EQ(result.settings.curve_keys->public_key, keys.calmond.public_key);
  EXPECT_EQ(result.settings.authorized_client_keys, std::vector<std::string>{keys.client.public_key});
  EXPECT_EQ(result.settings.ingest_server_key, keys.publisher.public_key);
  EXPECT_TRUE(result.settings.allow_unprotected);
}

TEST(DaemonConfig, CurveNeedsBothTheKeyPairAndTheAuthorizedKeys) {
  const KeyFolder keys;
  expect_one_line(parse({"--curve-secret-key", keys.path("calmond.key_secret")}), CommandLine::Action::kConfigError,
                  "command line: curve_secret_key_file and curve_authorized_keys (--curve-secret-key, "
                  "--curve-authorized-keys) go together");
  expect_one_line(parse({"--curve-authorized-keys", keys.path("clients")}), CommandLine::Action::kConfigError,
                  "go together");
  expect_one_line(parse({"--curve-secret-key", ""}), CommandLine::Action::kUsageError,
                  "--curve-secret-key expects a path");
}

TEST(DaemonConfig, TheIngestServerKeyIsForASubIngestWithCurve) {
  const KeyFolder keys;
  const std::vector<std::string> curve = {"--curve-secret-key", keys.path("calmond.key_secret"),
                                          "--curve-authorized-keys", keys.path("clients")};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), curve.begin(), curve.end());
    return parse(more);
  };
  expect_one_line(with({"--ingest-mode", "sub"}), CommandLine::Action::kConfigError,
                  "with CURVE, --ingest-mode sub needs the publisher's public key: --ingest-server-key FILE");
  expect_one_line(with({"--ingest-server-key", keys.path("publisher.key")}), CommandLine::Action::kConfigError,
                  "is for --ingest-mode sub");
  expect_one_line(parse({"--ingest-mode", "sub", "--ingest-server-key", keys.path("publisher.key")}),
                  CommandLine::Action::kConfigError, "needs CURVE on");
  const CommandLine result = with({"--ingest-mode", "sub", "--ingest-server-key", keys.path("publisher.key")});
  ASSERT_EQ(result.action, CommandLine::Action::kRun) << result.message;
  EXPECT_EQ(result.settings.ingest_server_key, keys.publisher.public_key);
}

TEST(DaemonConfig, KeyFilesThatCannotBeUsedAreOneLineErrorsNamingThem) {
  const KeyFolder keys;
  std::filesystem::permissions(keys.dir / "calmond.key_secret", std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  expect_one_line(
      parse({"--curve-secret-key", keys.path("calmond.key_secret"), "--curve-authorized-keys", keys.path("clients")}),
      CommandLine::Action::kConfigError, keys.path("calmond.key_secret") + ": a secret key must be private");
  expect_one_line(
      parse({"--curve-secret-key", keys.path("publisher.key_secret"), "--curve-authorized-keys", keys.path("nowhere")}),
      CommandLine::Action::kConfigError, keys.path("nowhere") + ": not a folder");
  expect_one_line(
      parse({"--curve-secret-key", keys.path("publisher.key"), "--curve-authorized-keys", keys.path("clients")}),
      CommandLine::Action::kConfigError, keys.path("publisher.key") + ": no secret-key");
}

TEST(DaemonConfig, AllowUnprotectedIsAFlag) { EXPECT_TRUE(parse({"--allow-unprotected"}).settings.allow_unprotected); }

}  // namespace
}  // namespace calmon::daemon
