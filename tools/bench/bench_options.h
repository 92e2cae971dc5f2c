// bench_options.h — calmon-bench's command line: what to run and how hard.
#pragma once

#include <string>

#include "cli/command_line.h"

namespace calmon::bench {

struct BenchOptions {
  std::string calmond_path;  // default: calmond next to calmon-bench
  int width = 512;
  int height = 512;
  int rois = 100;
  int window = 501;            // moving median window, frames
  int frames = 5000;           // measured frames, after the warm-up
  double rate_hz = 0.0;        // 0: as fast as possible
  int warmup = 600;            // frames sent first, not measured
  bool global_traces = false;  // per-frame global mean/median/min (not in issue #5's analysis)
  bool run_numpy_peer = false;
  bool registration_peer = false;  // --registration-peer: only calmon's vs numpy's registration
  double peer_seconds = 5.0;       // time box of the numpy peer
  unsigned seed = 1;
  bool curve = false;              // CURVE on calmond and every peer (fresh keys for the run)
  double snapshot_hz = 0.0;        // calmond's projection snapshots per second
  bool stuck_subscribers = false;  // one never-reading subscriber per topic
  int publish_budget_mib = 0;      // calmond's --publish-budget-mib; 0: its default
  bool motion = false;             // rigid motion correction on (docs/motion.md)
  // --transport tcp|ipc: how frames, results and control requests travel between this
  // process and calmond, and the raw ZeroMQ rate's transport: tcp loopback, or ipc://
  // sockets in a private temporary folder, removed after.
  std::string transport = "tcp";
  // --pages N: calmond's dashboard on (loopback, a free port) with N WebSocket clients
  // reading everything, and at the end a history request timed; -1: --no-http.
  int pages = -1;
  int dashboard_history_mib = -1;  // calmond's --dashboard-history-mib; -1: its default
  // --follow-lag: no daemon; calmon-follow behind a writer of a growing ScanImage-style
  // series (follow_lag.h). --rate, --frames and --warmup then default to 30, 1800 and 30.
  bool follow_lag = false;
  std::string follow_path;    // default: calmon-follow next to calmon-bench
  int poll_ms = 5;            // calmon-follow's --poll-ms (5 is its own default)
  int frames_per_file = 200;  // the series rolls over to its next file every this many frames
};

// calmon-bench's name and usage: its mistakes and failures are said through it.
extern const cli::CommandLine kBenchCommandLine;

// Parses argv; prints the usage and exits 2 on a mistake, 0 for --help.
BenchOptions parse_bench_options(int argc, char** argv);

}  // namespace calmon::bench
