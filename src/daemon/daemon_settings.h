// daemon_settings.h — everything calmond needs to run, with defaults applied and checked.
//
// The daemon config (proto/calmon/daemon.proto, read by config/daemon_config_file.h)
// and the command-line flags (command_line.h) both fill a pb::DaemonConfig — the flags
// last, so they win. resolve_daemon_settings then applies the defaults the schema
// documents, checks every value and reads the analysis config, so a daemon that starts
// has nothing left to find wrong with its configuration.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "calmon/config.pb.h"
#include "calmon/daemon.pb.h"
#include "config/roi_limits.h"
#include "core/frame_size_limit.h"
#include "daemon/installed_web_root.h"
#include "net/curve_keys.h"

namespace calmon::daemon {

struct DaemonSettings {
  enum class IngestMode { kPull, kSub };

  std::string ingest = "tcp://127.0.0.1:5570";
  IngestMode ingest_mode = IngestMode::kPull;
  std::string publish = "tcp://127.0.0.1:5571";
  std::string control = "tcp://127.0.0.1:5572";
  pb::Config analysis;          // ROIs, neuropil, baselines, projections
  std::string analysis_source;  // where `analysis` came from, for the log ("" if nowhere)
  // The state folder (roi_set_keeper.h), "" for none. With one that keeps a set, or with
  // ROI files (roi_files), `analysis`'s ROIs are theirs: `rois_source` names the file for
  // errors, `rois_origin` says where they come from for the log ("kept in FILE", "from
  // FILE"), and the readers' warnings wait in `start_warnings` for the log.
  std::string state_dir;
  std::string rois_source;
  std::string rois_origin;
  std::vector<std::string> start_warnings;
  double snapshot_hz = 2.0;  // 0: no periodic snapshots
  double status_interval_s = 1.0;
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;
  bool reset_on_geometry_change = false;
  std::uint32_t channel = 0;
  std::uint32_t plane = 0;
  int publish_hwm = 1000;
  // Frames ZeroMQ queues per sender, outside calmond's own ingest queue (ingest_queue_bytes).
  int ingest_hwm = 2;
  double linger_s = 1.0;
  // The dashboard: HOST:PORT ("" for none) and the folder its files are served from.
  // An address left at its default that is busy only costs the dashboard (a log line);
  // one configured explicitly (http_required) must bind, or calmond does not start.
  std::string http = "127.0.0.1:8080";
  bool http_required = false;
  std::string web_root = installed_web_root().string();  // installed_web_root.h
  // Who may use the dashboard (http_access.h). kAuto: a random token when the
  // dashboard is on the network (dashboard_on_network), none on loopback; kFixed: this
  // http_token (from http_token or http_token_file), even on loopback.
  enum class HttpTokenMode { kAuto, kNone, kFixed };
  HttpTokenMode http_token_mode = HttpTokenMode::kAuto;
  std::string http_token;
  std::vector<std::string> http_allowed_hosts;  // names a Host header may give besides the dashboard's own
  std::size_t http_max_connections = 64;        // HTTP and WebSocket connections at once
  double http_idle_timeout_s = 5.0;             // a request's header must arrive within this
  // CURVE: on when curve_keys is set — calmond's key pair (curve_secret_key_file) and the
  // public keys (Z85) of the clients it accepts, read from the folder curve_authorized_keys.
  std::optional<net::CurveKeyPair> curve_keys;
  std::string curve_authorized_keys;
  std::vector<std::string> authorized_client_keys;
  // SUB ingest with CURVE: the publisher's public key (Z85), from ingest_server_key_file.
  std::string ingest_server_key;
  // Protected mode off (protected_mode.h): a socket or the dashboard open to the network
  // without authentication only logs a warning instead of stopping calmond at start.
  bool allow_unprotected = false;
  // A frame more than this many sequence numbers above the last one is taken for a
  // corrupt header and rejected (sequence_jump); 0: no limit.
  std::uint64_t max_sequence_jump = 1'000'000;
  // Limits in bytes (docs/daemon.md, "Limits").
  std::size_t ingest_queue_bytes = std::size_t{256} << 20;    // frames received, not yet processed
  std::size_t publish_budget_bytes = std::size_t{256} << 20;  // published, still held for subscribers
  // The dashboard's trace history (0: none): 500 ROIs for an hour at 30 Hz by default.
  std::size_t dashboard_history_bytes = std::size_t{1250} << 20;
  // Threads sharing each frame's ROI work (roi_work_thread.h): 1 or 2.
  unsigned roi_threads = 2;
  double subscriber_timeout_s = 10.0;                     // 0: stuck subscribers are never cut
  std::size_t max_request_bytes = std::size_t{64} << 20;  // one control request
  config::RoiLimits roi_limits;                           // an ROI set's size and its baselines' state
};

// Whether the dashboard runs and its host is not a loopback address (a wildcard, an
// interface address, any name but localhost): then http_token auto makes a token.
bool dashboard_on_network(const DaemonSettings& settings);

// Applies defaults to what `config` leaves out, checks every value and loads
// `analysis_file` and the CURVE key files (a relative path is taken relative to `config_dir`). Throws
// calmon::Error with one line naming `source` (the config's path, or the flags).
DaemonSettings resolve_daemon_settings(const pb::DaemonConfig& config, const std::filesystem::path& config_dir,
                                       const std::string& source);

}  // namespace calmon::daemon
