// command_line.cc — Boost.Program_options flags over a pb::DaemonConfig; see the header.
#include "daemon/command_line.h"

#include <boost/program_options.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <vector>

#include "config/daemon_config_file.h"
#include "core/error.h"
#include "core/frame_size_limit.h"

namespace calmon::daemon {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kUsage =
    "usage: calmond [--config DAEMON.json] [--analysis CONFIG.json] [options]\n"
    "\n"
    "Receives frames over ZeroMQ, runs calmon's pipeline on them and publishes live\n"
    "traces, projections and status (docs/daemon.md). Prints one JSON line with the\n"
    "bound endpoints to stdout when ready; logs to stderr. SIGINT/SIGTERM end the\n"
    "session cleanly and exit 0.\n"
    "\n"
    "  --config FILE                daemon config (daemon.proto as JSON); flags override it\n"
    "  --analysis FILE              analysis config: ROIs, neuropil, baselines, projections\n"
    "                               (as calmon-analyze --config); default: projections only\n"
    "  --rois FILE                  the ROIs of an ROI file instead of the analysis config's:\n"
    "                               RoiSet.zip, .roi, Suite2p stat.npy, CaImAn .hdf5, .json (repeatable)\n"
    "  --state-dir DIR              keep the current ROI set in DIR/rois.json, rewritten at every\n"
    "                               change, and start with it instead of the analysis config's ROIs\n"
    "  --ingest ENDPOINT            frames in (default tcp://127.0.0.1:5570)\n"
    "  --ingest-mode pull|sub       pull: bind a PULL socket (default); sub: connect a SUB\n"
    "                               socket to a publisher at --ingest\n"
    "  --publish ENDPOINT           traces, projections, status, rois out (default tcp://127.0.0.1:5571)\n"
    "  --control ENDPOINT           requests and replies (default tcp://127.0.0.1:5572)\n"
    "  --snapshot-hz HZ             projection snapshots per second (default 2; 0: on request only)\n"
    "  --status-interval SECONDS    status period (default 1)\n"
    "  --max-frame-mib MIB          largest frame accepted, in MiB of pixels (default 64)\n"
    "  --reset-on-geometry-change   a frame of another size or type starts a new session\n"
    "                               (default: it is rejected)\n"
    "  --channel C, --plane Z       the channel and plane analysed (default 0, 0)\n"
    "  --publish-hwm N              messages queued per subscriber before dropping (default 1000)\n"
    "  --ingest-hwm N               frames ZeroMQ queues per sender besides calmond's queue (default 2)\n"
    "  --linger SECONDS             time to deliver the last messages at exit (default 1)\n"
    "  --roi-threads N              threads sharing each frame's ROI work, 1 or 2 (default 2)\n"
    "  --http HOST:PORT             the dashboard's address (default 127.0.0.1:8080; port 0:\n"
    "                               any free port, named in the ready line as \"http\")\n"
    "  --no-http                    no dashboard\n"
    "  --web-root DIR               the dashboard's files (default: ../share/calmon/dashboard beside calmond)\n"
    "  --http-token auto|none|TOKEN the dashboard's token (default auto: a random one when\n"
    "                               --http is not a loopback address; TOKEN: needed even on loopback)\n"
    "  --http-token-file FILE       the token from a file's first line (a flag is visible in ps)\n"
    "  --http-allow-host NAME       one more name the dashboard answers to (repeatable)\n"
    "  --http-max-connections N     HTTP and WebSocket connections at once (default 64)\n"
    "  --http-idle-timeout SECONDS  a request must arrive within this (default 5)\n"
    "  --curve-secret-key FILE      CURVE on: calmond's key pair (NAME.key_secret, from calmon-keygen)\n"
    "  --curve-authorized-keys DIR  CURVE on: the folder of the public keys (NAME.key) of the\n"
    "                               clients accepted on ingest, publish and control\n"
    "  --ingest-server-key FILE     with CURVE and --ingest-mode sub: the publisher's public key\n"
    "  --allow-unprotected          start even with a socket or the dashboard on the network\n"
    "                               without authentication (a warning is logged)\n"
    "  --max-sequence-jump N        a frame more than N sequence numbers above the last is\n"
    "                               rejected as corrupt (default 1000000; 0: no limit)\n"
    "limits (docs/daemon.md, \"Limits\"):\n"
    "  --ingest-queue-mib MIB       frames received, not yet processed (default 256)\n"
    "  --publish-budget-mib MIB     published messages held for subscribers (default 256)\n"
    "  --subscriber-timeout SECONDS a subscriber taking nothing this long is cut (default 10; 0: never)\n"
    "  --max-rois N                 ROIs per set (default 20000)\n"
    "  --max-roi-pixels N           pixels per ROI region (default 8192)\n"
    "  --max-request-mib MIB        largest control request (default 64)\n"
    "  --max-baseline-mib MIB       an ROI set's baselines, at full windows (default 4096)\n"
    "  --max-baseline-window N      frames in one baseline window (default 1000000)\n"
    "  --dashboard-history-mib MIB  traces kept for the dashboard (default 1250; 0: none)\n"
    "  --help                       this text\n"
    "\n"
    "Endpoints may use port * (tcp://127.0.0.1:*): the ready line names the port bound.\n";

struct UsageError {
  std::string message;
};

double number_flag(const std::string& flag, const std::string& text, double min, bool min_allowed) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size() && std::isfinite(value) &&
      (value > min || (min_allowed && value == min))) {
    return value;
  }
  throw UsageError{"--" + flag + " expects a number " + (min_allowed ? ">= " : "> ") +
                   std::to_string(static_cast<long long>(min)) + ", got '" + text + "'"};
}

template <class Integer> Integer integer_flag(const std::string& flag, const std::string& text) {
  Integer value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size() && value >= 0) return value;
  throw UsageError{"--" + flag + " expects an integer from 0 to " +
                   std::to_string(std::numeric_limits<Integer>::max()) + ", got '" + text + "'"};
}

std::optional<std::string> text_flag(const po::variables_map& flags, const char* name) {
  if (!flags.count(name)) return std::nullopt;
  return flags[name].as<std::string>();
}

// A file or folder flag, made absolute (a config file's relative paths are relative to its folder).
std::optional<std::string> path_flag(const po::variables_map& flags, const char* name) {
  auto value = text_flag(flags, name);
  if (value && value->empty()) throw UsageError{"--" + std::string(name) + " expects a path, got ''"};
  if (value) value = std::filesystem::absolute(*value).string();
  return value;
}

// Writes every flag given into `config`.
void apply_flags(const po::variables_map& flags, pb::DaemonConfig& config) {
  if (auto value = text_flag(flags, "analysis")) {
    config.clear_analysis();
    config.set_analysis_file(std::filesystem::absolute(*value).string());
  }
  if (auto value = text_flag(flags, "ingest")) config.set_ingest(*value);
  if (auto value = text_flag(flags, "publish")) config.set_publish(*value);
  if (auto value = text_flag(flags, "control")) config.set_control(*value);
  if (auto value = text_flag(flags, "ingest-mode")) {
    if (*value == "pull") {
      config.set_ingest_mode(pb::DaemonConfig::PULL);
    } else if (*value == "sub") {
      config.set_ingest_mode(pb::DaemonConfig::SUB);
    } else {
      throw UsageError{"--ingest-mode expects pull or sub, got '" + *value + "'"};
    }
  }
  if (auto value = text_flag(flags, "snapshot-hz")) config.set_snapshot_hz(number_flag("snapshot-hz", *value, 0, true));
  if (auto value = text_flag(flags, "status-interval")) {
    config.set_status_interval_s(number_flag("status-interval", *value, 0, false));
  }
  if (auto value = text_flag(flags, "max-frame-mib")) {
    try {
      config.set_max_frame_bytes(parse_max_frame_mib(*value));
    } catch (const Error& e) {
      throw UsageError{e.what()};
    }
  }
  if (flags["reset-on-geometry-change"].as<bool>()) config.set_reset_on_geometry_change(true);
  if (auto value = text_flag(flags, "channel")) config.set_channel(integer_flag<std::uint32_t>("channel", *value));
  if (auto value = text_flag(flags, "plane")) config.set_plane(integer_flag<std::uint32_t>("plane", *value));
  if (auto value = text_flag(flags, "publish-hwm"))
    config.set_publish_hwm(integer_flag<std::int32_t>("publish-hwm", *value));
  if (auto value = text_flag(flags, "ingest-hwm"))
    config.set_ingest_hwm(integer_flag<std::int32_t>("ingest-hwm", *value));
  if (auto value = text_flag(flags, "linger")) config.set_linger_s(number_flag("linger", *value, 0, true));
  if (flags["no-http"].as<bool>()) {
    if (flags.count("http")) throw UsageError{"--http and --no-http contradict each other"};
    config.set_http("");
  }
  if (auto value = text_flag(flags, "http")) {
    if (value->empty()) throw UsageError{"--http expects HOST:PORT (or --no-http for no dashboard)"};
    config.set_http(*value);
  }
  if (auto value = text_flag(flags, "web-root")) config.set_web_root(std::filesystem::absolute(*value).string());
  if (auto value = path_flag(flags, "state-dir")) config.set_state_dir(*value);
  if (flags.count("rois")) {
    config.clear_roi_files();
    for (const std::string& file : flags["rois"].as<std::vector<std::string>>()) {
      if (file.empty()) throw UsageError{"--rois expects a path, got ''"};
      config.add_roi_files(std::filesystem::absolute(file).string());
    }
  }
  if (flags.count("http-token") && flags.count("http-token-file")) {
    throw UsageError{"--http-token and --http-token-file contradict each other"};
  }
  if (auto value = text_flag(flags, "http-token")) {
    config.clear_http_token_file();
    config.set_http_token(*value);
  }
  if (auto value = text_flag(flags, "http-token-file")) {
    config.clear_http_token();
    config.set_http_token_file(std::filesystem::absolute(*value).string());
  }
  if (flags.count("http-allow-host")) {
    config.clear_http_allowed_hosts();
    for (const std::string& host : flags["http-allow-host"].as<std::vector<std::string>>()) {
      config.add_http_allowed_hosts(host);
    }
  }
  if (auto value = text_flag(flags, "http-max-connections")) {
    config.set_http_max_connections(integer_flag<std::uint32_t>("http-max-connections", *value));
  }
  if (auto value = text_flag(flags, "http-idle-timeout")) {
    config.set_http_idle_timeout_s(number_flag("http-idle-timeout", *value, 0, false));
  }
  if (auto value = path_flag(flags, "curve-secret-key")) config.set_curve_secret_key_file(*value);
  if (auto value = path_flag(flags, "curve-authorized-keys")) config.set_curve_authorized_keys(*value);
  if (auto value = path_flag(flags, "ingest-server-key")) config.set_ingest_server_key_file(*value);
  if (flags["allow-unprotected"].as<bool>()) config.set_allow_unprotected(true);
  if (auto value = text_flag(flags, "max-sequence-jump")) {
    config.set_max_sequence_jump(integer_flag<std::uint64_t>("max-sequence-jump", *value));
  }
  if (auto value = text_flag(flags, "ingest-queue-mib")) {
    config.set_ingest_queue_mib(integer_flag<std::uint32_t>("ingest-queue-mib", *value));
  }
  if (auto value = text_flag(flags, "publish-budget-mib")) {
    config.set_publish_budget_mib(integer_flag<std::uint32_t>("publish-budget-mib", *value));
  }
  if (auto value = text_flag(flags, "subscriber-timeout")) {
    config.set_subscriber_timeout_s(number_flag("subscriber-timeout", *value, 0, true));
  }
  if (auto value = text_flag(flags, "max-rois")) config.set_max_rois(integer_flag<std::uint32_t>("max-rois", *value));
  if (auto value = text_flag(flags, "max-roi-pixels")) {
    config.set_max_roi_pixels(integer_flag<std::uint32_t>("max-roi-pixels", *value));
  }
  if (auto value = text_flag(flags, "max-request-mib")) {
    config.set_max_request_mib(integer_flag<std::uint32_t>("max-request-mib", *value));
  }
  if (auto value = text_flag(flags, "max-baseline-mib")) {
    config.set_max_baseline_mib(integer_flag<std::uint32_t>("max-baseline-mib", *value));
  }
  if (auto value = text_flag(flags, "max-baseline-window")) {
    config.set_max_baseline_window(integer_flag<std::uint32_t>("max-baseline-window", *value));
  }
  if (auto value = text_flag(flags, "roi-threads")) {
    config.set_roi_threads(integer_flag<std::uint32_t>("roi-threads", *value));
  }
  if (auto value = text_flag(flags, "dashboard-history-mib")) {
    config.set_dashboard_history_mib(integer_flag<std::uint32_t>("dashboard-history-mib", *value));
  }
}

po::options_description flag_descriptions() {
  po::options_description flags;
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  for (const char* name : {"config", "analysis", "ingest", "ingest-mode", "publish", "control", "snapshot-hz",
                           "status-interval", "max-frame-mib", "channel", "plane", "publish-hwm", "ingest-hwm",
                           "linger", "http", "web-root", "state-dir", "http-token", "http-token-file", "http-max-connections",
                           "http-idle-timeout", "curve-secret-key", "curve-authorized-keys", "ingest-server-key",
                           "max-sequence-jump", "ingest-queue-mib", "publish-budget-mib", "subscriber-timeout",
                           "max-rois", "max-roi-pixels", "max-request-mib", "max-baseline-mib",
                           "max-baseline-window", "dashboard-history-mib", "roi-threads"}) {
    // clang-format on
    flags.add_options()(name, po::value<std::string>());
  }
  flags.add_options()("http-allow-host", po::value<std::vector<std::string>>()->composing());
  flags.add_options()("rois", po::value<std::vector<std::string>>()->composing());
  flags.add_options()("allow-unprotected", po::bool_switch());
  flags.add_options()("reset-on-geometry-change", po::bool_switch());
  flags.add_options()("no-http", po::bool_switch());
  flags.add_options()("help,h", po::bool_switch());
  return flags;
}

}  // namespace

std::string_view daemon_usage() { return kUsage; }

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine result;
  po::variables_map flags;
  try {
    const po::positional_options_description no_positionals;
    po::store(po::command_line_parser(argc, argv).options(flag_descriptions()).positional(no_positionals).run(), flags);
    po::notify(flags);
  } catch (const po::too_many_positional_options_error&) {
    result.action = CommandLine::Action::kUsageError;
    result.message = "unexpected argument: calmond takes flags only";
    return result;
  } catch (const po::error& e) {
    result.action = CommandLine::Action::kUsageError;
    result.message = e.what();
    return result;
  }
  if (flags["help"].as<bool>()) {
    result.action = CommandLine::Action::kHelp;
    return result;
  }
  pb::DaemonConfig config;
  std::filesystem::path config_dir = std::filesystem::current_path();
  std::string source = "command line";
  try {
    if (auto path = text_flag(flags, "config")) {
      config = config::load_daemon_config(*path);
      config_dir = std::filesystem::absolute(*path).parent_path();
      source = *path;
    }
    apply_flags(flags, config);
    result.settings = resolve_daemon_settings(config, config_dir, source);
  } catch (const UsageError& e) {
    result.action = CommandLine::Action::kUsageError;
    result.message = e.message;
  } catch (const Error& e) {
    result.action = CommandLine::Action::kConfigError;
    result.message = e.what();
  } catch (const std::filesystem::filesystem_error& e) {
    result.action = CommandLine::Action::kConfigError;
    result.message = e.what();
  }
  return result;
}

}  // namespace calmon::daemon
