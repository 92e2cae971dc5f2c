// daemon_settings.cc — defaults and checks for calmond's settings; see the header.
#include "daemon/daemon_settings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>

#include "config/config_file.h"
#include "config/kept_roi_set.h"
#include "config/roi_import.h"
#include "config/roi_limits.h"
#include "core/error.h"
#include "core/format_number.h"
#include "core/moving_quantile.h"
#include "daemon/http_endpoint.h"
#include "daemon/roi_set_preparation.h"
#include "net/loopback.h"

namespace calmon::daemon {

namespace {

void check_endpoint(const std::string& endpoint, const std::string& what, const std::string& source) {
  if (endpoint.empty()) throw Error(source + ": " + what + " endpoint is empty");
  if (endpoint.find("://") == std::string::npos) {
    throw Error(source + ": " + what + " endpoint '" + endpoint + "' has no transport (e.g. tcp://127.0.0.1:5570)");
  }
}

double checked_number(double value, double min, bool min_allowed, const std::string& what, const std::string& source) {
  if (!std::isfinite(value) || value < min || (!min_allowed && value == min)) {
    throw Error(source + ": " + what + " = " + format_number(value) + " must be finite and " +
                (min_allowed ? ">= " : "> ") + format_number(min));
  }
  return value;
}

// "scope1:8080" or "[::1]:8080", not an IPv6 address ("::1", "[::1]"): a Host header is
// compared without its port, so such an entry could never match.
bool names_a_port(const std::string& host) {
  if (host.find(':') == std::string::npos) return false;
  std::string bare = host;
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  in6_addr address{};
  return inet_pton(AF_INET6, bare.c_str(), &address) != 1;
}

std::filesystem::path relative_to(const std::filesystem::path& dir, const std::string& file) {
  std::filesystem::path path = file;
  return path.is_relative() ? dir / path : path;
}

// The CURVE fields: both key settings or neither; the SUB ingest's server key with them.
void resolve_curve(const pb::DaemonConfig& config, const std::filesystem::path& config_dir, const std::string& source,
                   DaemonSettings& settings) {
  const bool secret = !config.curve_secret_key_file().empty();
  const bool authorized = !config.curve_authorized_keys().empty();
  const bool sub = settings.ingest_mode == DaemonSettings::IngestMode::kSub;
  if (secret != authorized) {
    throw Error(source +
                ": curve_secret_key_file and curve_authorized_keys (--curve-secret-key, "
                "--curve-authorized-keys) go together: calmond's key pair and the folder of the client "
                "public keys it accepts");
  }
  if (!config.ingest_server_key_file().empty() && !secret) {
    throw Error(source +
                ": ingest_server_key_file (--ingest-server-key) needs CURVE on: --curve-secret-key and "
                "--curve-authorized-keys");
  }
  if (!secret) return;
  if (sub && config.ingest_server_key_file().empty()) {
    throw Error(source +
                ": with CURVE, --ingest-mode sub needs the publisher's public key: --ingest-server-key FILE "
                "(ingest_server_key_file)");
  }
  if (!sub && !config.ingest_server_key_file().empty()) {
    throw Error(source +
                ": ingest_server_key_file (--ingest-server-key) is for --ingest-mode sub; a bound ingest "
                "socket is a CURVE server");
  }
  try {
    net::require_curve_support();
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
  settings.curve_keys = net::load_curve_secret_key(relative_to(config_dir, config.curve_secret_key_file()));
  settings.curve_authorized_keys = relative_to(config_dir, config.curve_authorized_keys()).string();
  settings.authorized_client_keys = net::load_curve_public_keys(settings.curve_authorized_keys);
  if (sub) {
    settings.ingest_server_key = net::load_curve_public_key(relative_to(config_dir, config.ingest_server_key_file()));
  }
}

int checked_hwm(std::int32_t value, const std::string& what, const std::string& source) {
  if (value < 0) throw Error(source + ": " + what + " = " + std::to_string(value) + " must be >= 0 (0: no limit)");
  return value;
}

// A token goes into URLs, headers and cookies as it is: letters, digits and . _ ~ - only.
bool is_token_text(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '~' || c == '-';
  });
}

std::string read_token_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw Error(path.string() + ": cannot open the dashboard's token file");
  std::string line;
  std::getline(file, line);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  if (!is_token_text(line)) {
    throw Error(path.string() + ": the first line must be the token: letters, digits and . _ ~ - only");
  }
  return line;
}

// The dashboard's token, allowed hosts and limits.
void resolve_dashboard_access(const pb::DaemonConfig& config, const std::filesystem::path& config_dir,
                              const std::string& source, DaemonSettings& settings) {
  using Mode = DaemonSettings::HttpTokenMode;
  if (config.has_http_token() && config.has_http_token_file()) {
    throw Error(source + ": give the dashboard's token in http_token or in http_token_file, not both");
  }
  if (config.has_http_token()) {
    const std::string& token = config.http_token();
    if (token == "auto") {
      settings.http_token_mode = Mode::kAuto;
    } else if (token == "none") {
      settings.http_token_mode = Mode::kNone;
    } else if (is_token_text(token)) {
      settings.http_token_mode = Mode::kFixed;
      settings.http_token = token;
    } else {
      throw Error(source + ": http_token must be auto, none or a token of letters, digits and . _ ~ - only");
    }
  }
  if (config.has_http_token_file()) {
    settings.http_token_mode = Mode::kFixed;
    settings.http_token = read_token_file(relative_to(config_dir, config.http_token_file()));
  }
  for (const std::string& host : config.http_allowed_hosts()) {
    if (host.empty() || std::any_of(host.begin(), host.end(), [](unsigned char c) { return c <= ' ' || c == '/'; })) {
      throw Error(source + ": http_allowed_hosts: '" + host + "' is not a host name or address");
    }
    if (names_a_port(host)) {
      throw Error(source + ": http_allowed_hosts: '" + host +
                  "' names a port; give the name or address alone (any port of it is allowed)");
    }
    settings.http_allowed_hosts.push_back(host);
  }
  if (config.has_http_max_connections()) {
    if (config.http_max_connections() == 0) throw Error(source + ": http_max_connections must be > 0");
    settings.http_max_connections = config.http_max_connections();
  }
  if (config.has_http_idle_timeout_s()) {
    settings.http_idle_timeout_s =
        checked_number(config.http_idle_timeout_s(), 0.0, false, "http_idle_timeout_s", source);
  }
}

std::size_t checked_mib(std::uint32_t mib, const std::string& what, const std::string& source) {
  if (mib == 0 || mib > (1u << 20)) {
    throw Error(source + ": " + what + " = " + std::to_string(mib) + " must be from 1 to 1048576 (1 TiB)");
  }
  return std::size_t{mib} << 20;
}

std::size_t checked_count(std::uint32_t value, const std::string& what, const std::string& source) {
  if (value == 0) throw Error(source + ": " + what + " must be > 0");
  return value;
}

}  // namespace

bool dashboard_on_network(const DaemonSettings& settings) {
  return !settings.http.empty() && !net::is_loopback_host(parse_http_endpoint(settings.http).host);
}

DaemonSettings resolve_daemon_settings(const pb::DaemonConfig& config, const std::filesystem::path& config_dir,
                                       const std::string& source) {
  DaemonSettings settings;
  if (config.has_ingest()) settings.ingest = config.ingest();
  if (config.has_publish()) settings.publish = config.publish();
  if (config.has_control()) settings.control = config.control();
  check_endpoint(settings.ingest, "ingest", source);
  check_endpoint(settings.publish, "publish", source);
  check_endpoint(settings.control, "control", source);
  switch (config.ingest_mode()) {
    case pb::DaemonConfig::INGEST_MODE_UNSPECIFIED:
    case pb::DaemonConfig::PULL: settings.ingest_mode = DaemonSettings::IngestMode::kPull; break;
    case pb::DaemonConfig::SUB: settings.ingest_mode = DaemonSettings::IngestMode::kSub; break;
    default: throw Error(source + ": ingest_mode must be PULL or SUB");
  }

  if (config.has_snapshot_hz())
    settings.snapshot_hz = checked_number(config.snapshot_hz(), 0.0, true, "snapshot_hz", source);
  if (config.has_status_interval_s()) {
    settings.status_interval_s = checked_number(config.status_interval_s(), 0.0, false, "status_interval_s", source);
  }
  if (config.has_max_frame_bytes()) {
    if (config.max_frame_bytes() == 0) throw Error(source + ": max_frame_bytes must be > 0");
    settings.max_frame_bytes = config.max_frame_bytes();
  }
  if (config.has_linger_s()) settings.linger_s = checked_number(config.linger_s(), 0.0, true, "linger_s", source);
  if (config.has_publish_hwm()) settings.publish_hwm = checked_hwm(config.publish_hwm(), "publish_hwm", source);
  if (config.has_ingest_hwm()) {
    if (config.ingest_hwm() < 1) {
      throw Error(source + ": ingest_hwm = " + std::to_string(config.ingest_hwm()) +
                  " must be >= 1: it counts the frames ZeroMQ may queue per sender beside calmond's ingest queue "
                  "(ingest_queue_mib), and 0 would leave them without a limit");
    }
    settings.ingest_hwm = config.ingest_hwm();
  }
  if (config.has_ingest_queue_mib()) {
    settings.ingest_queue_bytes = checked_mib(config.ingest_queue_mib(), "ingest_queue_mib", source);
  }
  if (config.has_publish_budget_mib()) {
    settings.publish_budget_bytes = checked_mib(config.publish_budget_mib(), "publish_budget_mib", source);
  }
  if (config.has_dashboard_history_mib()) {
    settings.dashboard_history_bytes =
        config.dashboard_history_mib() == 0
            ? 0
            : checked_mib(config.dashboard_history_mib(), "dashboard_history_mib", source);
  }
  if (config.has_roi_threads()) {
    if (config.roi_threads() != 1 && config.roi_threads() != 2) {
      throw Error(source + ": roi_threads = " + std::to_string(config.roi_threads()) + " must be 1 or 2");
    }
    settings.roi_threads = config.roi_threads();
  }
  if (config.has_subscriber_timeout_s()) {
    settings.subscriber_timeout_s =
        checked_number(config.subscriber_timeout_s(), 0.0, true, "subscriber_timeout_s", source);
    if (settings.subscriber_timeout_s > 86400.0) {
      throw Error(source + ": subscriber_timeout_s = " + format_number(settings.subscriber_timeout_s) +
                  " must be at most 86400 (a day; 0: never)");
    }
  }
  if (config.has_max_rois()) settings.roi_limits.max_rois = checked_count(config.max_rois(), "max_rois", source);
  if (config.has_max_roi_pixels()) {
    settings.roi_limits.max_roi_pixels = checked_count(config.max_roi_pixels(), "max_roi_pixels", source);
  }
  if (config.has_max_request_mib()) {
    settings.max_request_bytes = checked_mib(config.max_request_mib(), "max_request_mib", source);
  }
  if (config.has_max_baseline_mib()) {
    settings.roi_limits.baselines.max_bytes = checked_mib(config.max_baseline_mib(), "max_baseline_mib", source);
  }
  if (config.has_max_baseline_window()) {
    if (config.max_baseline_window() < 1 || config.max_baseline_window() > MovingQuantile::kMaxWindow) {
      throw Error(source + ": max_baseline_window = " + std::to_string(config.max_baseline_window()) +
                  " must be from 1 to " + std::to_string(MovingQuantile::kMaxWindow) + " frames");
    }
    settings.roi_limits.baselines.max_window = config.max_baseline_window();
  }
  if (config.has_http()) {
    settings.http = config.http();
    settings.http_required = !settings.http.empty();
    if (!settings.http.empty()) {
      try {
        (void)parse_http_endpoint(settings.http);
      } catch (const Error& e) {
        throw Error(source + ": " + e.what());
      }
    }
  }
  if (config.has_web_root()) {
    settings.web_root = relative_to(config_dir, config.web_root()).string();
  }
  resolve_dashboard_access(config, config_dir, source, settings);
  if (config.has_max_sequence_jump()) settings.max_sequence_jump = config.max_sequence_jump();
  settings.reset_on_geometry_change = config.reset_on_geometry_change();
  settings.channel = config.channel();
  settings.plane = config.plane();

  resolve_curve(config, config_dir, source, settings);
  settings.allow_unprotected = config.allow_unprotected();

  if (config.has_analysis() && config.has_analysis_file()) {
    throw Error(source + ": give the analysis config inline (analysis) or as a file (analysis_file), not both");
  }
  if (config.has_analysis_file()) {
    const std::filesystem::path path = relative_to(config_dir, config.analysis_file());
    settings.analysis = config::load_config(path.string());
    settings.analysis_source = path.string();
  } else if (config.has_analysis()) {
    settings.analysis = config.analysis();
    settings.analysis_source = source;
  }
  if (config.roi_files_size() > 0) {
    std::vector<std::string> files;
    for (const std::string& file : config.roi_files()) files.push_back(relative_to(config_dir, file).string());
    config::ImportContext context;  // the frame is checked when the first one comes
    context.warnings = &settings.start_warnings;
    pb::RoiSet rois = config::import_rois(files, context);
    settings.analysis.mutable_rois()->Swap(rois.mutable_rois());
    settings.rois_source =
        files.front() + (files.size() > 1 ? " and " + std::to_string(files.size() - 1) + " more" : "");
    settings.rois_origin = "from " + settings.rois_source;
  }
  if (config.has_state_dir()) {
    settings.state_dir = relative_to(config_dir, config.state_dir()).string();
    std::optional<pb::RoiSet> kept;
    try {
      kept = config::read_kept_roi_set(settings.state_dir);
    } catch (const Error& e) {
      throw Error(std::string(e.what()) +
                  " (the state folder's ROI set: move it away to start with the analysis config's)");
    }
    if (kept) {
      *settings.analysis.mutable_rois() = std::move(*kept->mutable_rois());
      settings.rois_source = config::kept_roi_set_file(settings.state_dir);
      settings.rois_origin = "kept in " + settings.rois_source;
    }
  }
  // Everything about the analysis that does not depend on the frame size is checked now,
  // the ROI limits first, as for set_rois.
  try {
    config::check_roi_limits(settings.analysis, settings.roi_limits);
    PipelineSettings pipeline = config::to_pipeline_settings(settings.analysis);
    std::uint32_t next_id = 1;
    assign_roi_ids(pipeline.rois, next_id);  // ids the config gives: each at most once
  } catch (const Error& e) {
    throw Error((settings.rois_source.empty() ? settings.analysis_source : settings.rois_source) + ": " + e.what());
  }
  return settings;
}

}  // namespace calmon::daemon
