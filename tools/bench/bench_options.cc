// bench_options.cc — calmon-bench's command line, parsed with Boost.Program_options.
#include "bench_options.h"

#include <boost/program_options.hpp>

#include <filesystem>

#include "cli/command_line.h"

namespace calmon::bench {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: calmon-bench [--calmond PATH] [--width W] [--height H] [--rois N] [--window W]\n"
    "                    [--frames N] [--rate HZ] [--warmup N] [--global-traces on|off]\n"
    "                    [--peer] [--peer-seconds S] [--seed S] [--curve] [--snapshot-hz HZ]\n"
    "                    [--stuck-subscribers] [--publish-budget-mib MIB] [--motion]\n"
    "                    [--transport tcp|ipc]\n"
    "       calmon-bench --registration-peer [--width W] [--height H] [--seed S] [--peer-seconds S]\n"
    "       calmon-bench --follow-lag [--rate HZ] [--frames N] [--warmup N] [--width W] [--height H]\n"
    "                    [--poll-ms MS] [--frames-per-file N] [--calmon-follow PATH] [--seed S]\n"
    "\n"
    "Starts calmond, streams synthetic uint16 frames to it over tcp loopback (or, with\n"
    "--transport ipc, ipc:// sockets in a private temporary folder) and prints one\n"
    "'name value' line per figure: throughput, latency, memory, the raw ZeroMQ rate of\n"
    "the same frames over the same transport and (with --peer) the rate of the numpy\n"
    "script doing the same.\n"
    "--stuck-subscribers adds one subscriber per topic that never reads. --motion turns\n"
    "rigid motion correction on (default options; the warm-up's first 100 frames make the\n"
    "reference).\n"
    "--registration-peer runs no daemon: it times calmon's rigid registration and shift of\n"
    "the same frames against numpy's and scikit-image's.\n"
    "--follow-lag runs no daemon: it writes a growing ScanImage-style TIFF series at --rate\n"
    "frames/s (default 30; --frames 1800 measured after --warmup 30) into a tmpfs folder if\n"
    "/dev/shm is one, follows it with calmon-follow (--poll-ms, default 5, its own default)\n"
    "into a PULL socket of its own, and prints how long after each page was written it\n"
    "arrived (p50, p99, max), the frames lost or duplicated, and calmon-follow's CPU time.\n";

// A program next to calmon-bench (calmond, calmon-follow).
std::string sibling_path(const char* argv0, const char* name) {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) self = argv0;
  return (self.parent_path() / name).string();
}

}  // namespace

const cli::CommandLine kBenchCommandLine("calmon-bench", kUsage);

BenchOptions parse_bench_options(int argc, char** argv) {
  const cli::CommandLine& command_line = kBenchCommandLine;
  BenchOptions options;
  std::string global_traces = "off";
  po::options_description named("options");
  // One option per line, which clang-format would run together.
  // clang-format off
  named.add_options()
      ("help", "the usage")
      ("calmond", po::value(&options.calmond_path), "the daemon to measure")
      ("width", po::value(&options.width), "frame width, pixels")
      ("height", po::value(&options.height), "frame height, pixels")
      ("rois", po::value(&options.rois), "12x12 ROIs")
      ("window", po::value(&options.window), "moving median window, frames")
      ("frames", po::value(&options.frames), "measured frames")
      ("rate", po::value(&options.rate_hz), "frames per second, 0: as fast as possible")
      ("warmup", po::value(&options.warmup), "frames sent before measuring")
      ("global-traces", po::value(&global_traces), "on|off")
      ("peer", "also run tools/bench/numpy_peer.py")
      ("registration-peer", "calmon's rigid registration against numpy's, no daemon")
      ("peer-seconds", po::value(&options.peer_seconds), "time box of the numpy peer")
      ("seed", po::value(&options.seed), "ROI positions and pixel values")
      ("curve", "CURVE on calmond and every peer, with keys made for the run")
      ("snapshot-hz", po::value(&options.snapshot_hz), "calmond's projection snapshots per second")
      ("stuck-subscribers", "one subscriber per topic that never reads")
      ("publish-budget-mib", po::value(&options.publish_budget_mib), "calmond's publish budget (0: its default)")
      ("motion", "rigid motion correction on")
      ("transport", po::value(&options.transport), "tcp|ipc: calmond's sockets and the raw ZeroMQ rate's")
      ("pages", po::value(&options.pages), "calmond's dashboard on, with N WebSocket clients reading it")
      ("dashboard-history-mib", po::value(&options.dashboard_history_mib), "calmond's trace history (with --pages)")
      ("follow-lag", "calmon-follow's lag behind a writer, no daemon")
      ("calmon-follow", po::value(&options.follow_path), "the follower to measure")
      ("poll-ms", po::value(&options.poll_ms), "calmon-follow's --poll-ms")
      ("frames-per-file", po::value(&options.frames_per_file), "frames per file of the series");
  // clang-format on
  const po::variables_map values = command_line.parse(argc, argv, named);
  const auto usage_error = [&](const std::string& message) { command_line.usage_error(message); };
  if (options.calmond_path.empty()) options.calmond_path = sibling_path(argv[0], "calmond");
  if (options.follow_path.empty()) options.follow_path = sibling_path(argv[0], "calmon-follow");
  options.follow_lag = values.count("follow-lag") > 0;
  if (options.follow_lag) {
    // Its own defaults: a microscope's pace, a minute of it.
    if (!values.count("rate")) options.rate_hz = 30;
    if (!values.count("frames")) options.frames = 1800;
    if (!values.count("warmup")) options.warmup = 30;
    if (!(options.rate_hz > 0.0) || options.rate_hz > 10'000) {
      usage_error("--follow-lag needs a --rate above 0 and at most 10000 frames/s");
    }
    if (options.poll_ms < 1 || options.poll_ms > 10'000) usage_error("--poll-ms must be 1 to 10000");
    if (options.frames_per_file < 1) usage_error("--frames-per-file must be >= 1");
    for (const char* other : {"registration-peer", "peer", "curve", "stuck-subscribers", "motion", "calmond", "rois",
                              "window", "global-traces", "snapshot-hz", "publish-budget-mib", "pages", "transport"}) {
      if (values.count(other)) usage_error(std::string("--") + other + " does not go with --follow-lag");
    }
  } else {
    for (const char* other : {"calmon-follow", "poll-ms", "frames-per-file"}) {
      if (values.count(other)) usage_error(std::string("--") + other + " goes with --follow-lag");
    }
  }
  if (options.width < 12 || options.height < 12) usage_error("frames must be at least 12x12");
  if (options.rois < 0) usage_error("--rois must be >= 0");
  if (options.window < 1) usage_error("--window must be >= 1");
  if (options.frames < 1) usage_error("--frames must be >= 1");
  if (options.warmup < 0) usage_error("--warmup must be >= 0");
  if (!(options.rate_hz >= 0.0)) usage_error("--rate must be >= 0");
  if (!(options.peer_seconds > 0.0)) usage_error("--peer-seconds must be > 0");
  if (!(options.snapshot_hz >= 0.0)) usage_error("--snapshot-hz must be >= 0");
  if (options.publish_budget_mib < 0) usage_error("--publish-budget-mib must be >= 0");
  if (values.count("pages") && (options.pages < 0 || options.pages > 64)) usage_error("--pages must be 0 to 64");
  if (values.count("dashboard-history-mib") && !values.count("pages")) {
    usage_error("--dashboard-history-mib goes with --pages");
  }
  if (values.count("dashboard-history-mib") && options.dashboard_history_mib < 0) {
    usage_error("--dashboard-history-mib must be >= 0");
  }
  if (global_traces != "on" && global_traces != "off") usage_error("--global-traces is on or off");
  options.global_traces = global_traces == "on";
  options.run_numpy_peer = values.count("peer") > 0;
  options.registration_peer = values.count("registration-peer") > 0;
  if (options.registration_peer && (options.width < 42 || options.height < 42)) {
    usage_error("--registration-peer needs frames of at least 42x42 (max_shift 20)");
  }
  options.curve = values.count("curve") > 0;
  options.stuck_subscribers = values.count("stuck-subscribers") > 0;
  options.motion = values.count("motion") > 0;
  if (options.motion && options.warmup < 100)
    usage_error("--motion needs --warmup of at least 100 (the reference's frames)");
  // The stuck subscribers are plain TCP peers without keys: CURVE would refuse them.
  if (options.curve && options.stuck_subscribers) usage_error("--stuck-subscribers cannot be used with --curve");
  if (options.transport != "tcp" && options.transport != "ipc") usage_error("--transport is tcp or ipc");
  if (options.registration_peer && values.count("transport")) {
    usage_error("--transport does not go with --registration-peer");
  }
  // They hold raw TCP connections to calmond's publish socket, with small buffers.
  if (options.transport == "ipc" && options.stuck_subscribers) {
    usage_error("--stuck-subscribers needs --transport tcp");
  }
  return options;
}

}  // namespace calmon::bench
