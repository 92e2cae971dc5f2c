// calmon-bench — calmond end to end: throughput, latency and memory against raw ZeroMQ.
//
// Starts calmond with N 12x12 ROIs (ring neuropil, moving median of --window frames),
// streams pre-generated uint16 frames to it (as fast as possible, or paced at --rate)
// over tcp loopback or, with --transport ipc, over ipc:// sockets in a private temporary
// folder (TransportEndpoints), and measures on a subscriber thread in this process the
// latency of every TraceUpdate (receipt minus the send time carried in
// acquisition_time_ns) and the throughput (frames received / wall time). Then, in the
// same run, the same frames go PUSH→PULL with no processing, over the same transport:
// the raw ZeroMQ rate the daemon is compared with. With
// --peer, tools/bench/numpy_peer.py runs the same analysis in numpy. With
// --stuck-subscribers, one subscriber per topic never reads meanwhile: calmond's memory
// must stay within its publish budget and the measuring subscriber must still get every
// update. --registration-peer instead times rigid registration alone, calmon against
// numpy (numpy_peer_registration.h). With --pages N, calmond's dashboard is on with N
// WebSocket clients reading it (dashboard_pages.h), and a history request is timed at the end. --follow-lag measures
// calmon-follow behind a writer of a growing TIFF, with no daemon (follow_lag.h). Output: one "name value" line per
// figure on stdout (docs/benchmarks.md explains each).
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "analysis_config_file.h"
#include "bench_options.h"
#include "curve_setup.h"
#include "daemon_control.h"
#include "daemon_process.h"
#include "dashboard_pages.h"
#include "follow_lag.h"
#include "frame_pusher.h"
#include "frame_set.h"
#include "numpy_peer_registration.h"
#include "numpy_peer_run.h"
#include "percentile.h"
#include "process_memory.h"
#include "raw_zmq_rate.h"
#include "roi_layout.h"
#include "scratch_folder.h"
#include "stuck_subscribers.h"
#include "trace_collector.h"

namespace {

using namespace calmon::bench;
using namespace std::chrono_literals;

constexpr const char* kLargeHighWaterMark = "10000000";
// calmond's ingest queue: a fast run fills it.
constexpr const char* kIngestQueueMib = "512";

void print_figure(const char* name, double value) { std::printf("%s %.6g\n", name, value); }
void print_figure(const std::string& name, double value) { print_figure(name.c_str(), value); }

// Where calmond binds its sockets and the raw ZeroMQ rate its PULL socket: ephemeral
// loopback ports, or socket files in a folder only this user can enter (mkdtemp's 0700,
// on tmpfs when there is one), removed with everything in it when the run ends.
class TransportEndpoints {
 public:
  explicit TransportEndpoints(const std::string& transport) {
    if (transport == "ipc") folder_.emplace("calmon-bench-ipc");
  }
  std::string endpoint(const char* name) const {
    return folder_ ? "ipc://" + folder_->path() + "/" + name : "tcp://127.0.0.1:*";
  }

 private:
  std::optional<ScratchFolder> folder_;
};

std::vector<std::string> daemon_arguments(const std::string& config_path, const BenchOptions& options,
                                          const TransportEndpoints& endpoints) {
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  std::vector<std::string> arguments{
      "--analysis", config_path, "--ingest", endpoints.endpoint("ingest"), "--publish", endpoints.endpoint("publish"),
      "--control", endpoints.endpoint("control"), "--snapshot-hz", std::to_string(options.snapshot_hz),
      "--publish-hwm", kLargeHighWaterMark, "--ingest-queue-mib", kIngestQueueMib, "--linger", "5"};
  // clang-format on
  if (options.pages < 0) {
    arguments.emplace_back("--no-http");
  } else {
    arguments.insert(arguments.end(), {"--http", "127.0.0.1:0"});
    if (options.dashboard_history_mib >= 0) {
      arguments.insert(arguments.end(), {"--dashboard-history-mib", std::to_string(options.dashboard_history_mib)});
    }
  }
  if (options.publish_budget_mib > 0) {
    arguments.insert(arguments.end(), {"--publish-budget-mib", std::to_string(options.publish_budget_mib)});
  }
  if (options.roi_threads > 0) {
    arguments.insert(arguments.end(), {"--roi-threads", std::to_string(options.roi_threads)});
  }
  // calmond refuses sets of more than --max-rois (default 20000): a benchmark of more raises it.
  if (options.rois > 20'000) arguments.insert(arguments.end(), {"--max-rois", std::to_string(options.rois)});
  return arguments;
}

int run(const BenchOptions& options) {
  const FrameSet frames(options.width, options.height, options.seed);
  const std::vector<RoiRect> rois = random_roi_layout(options.rois, options.width, options.height, options.seed);
  const AnalysisConfigFile config(rois, options.window, options.global_traces, options.motion);
  const TransportEndpoints endpoints(options.transport);
  zmq::context_t context;
  std::optional<CurveSetup> curve_setup;
  if (options.curve) curve_setup.emplace();
  const Curve curve = curve_setup ? Curve(curve_setup->client_keys()) : std::nullopt;
  std::vector<std::string> arguments = daemon_arguments(config.path(), options, endpoints);
  if (curve_setup) {
    for (std::string& argument : curve_setup->daemon_arguments()) arguments.push_back(std::move(argument));
  }

  DaemonProcess daemon(options.calmond_path, arguments, 10s, curve);
  const auto measured = static_cast<std::size_t>(options.frames);
  TraceCollector collector(context, daemon.endpoints().publish, static_cast<std::uint64_t>(options.warmup), measured,
                           curve);
  std::optional<StuckSubscribers> stuck;
  if (options.stuck_subscribers) stuck.emplace(daemon.endpoints().publish);
  wait_for_subscribers(daemon.endpoints().control, 1 + (stuck ? StuckSubscribers::kCount : 0), 10s, curve);

  std::optional<DashboardPages> pages;
  if (options.pages >= 0) pages.emplace(daemon.endpoints().http, options.pages);

  RssSampler rss(daemon.pid(), 100ms);
  // Open until the updates are in: frames still queued here when the pusher closes are lost.
  zmq::socket_t pusher = connect_pusher(context, daemon.endpoints().ingest, curve);
  const SendTimes sent = push_frames(pusher, frames, options.warmup, options.frames, options.rate_hz, true);
  CollectedTraces traces = collector.finish(60s);
  pusher.close();
  const std::vector<RssSampler::Sample> rss_samples = rss.finish();
  const double peak_rss_mib = status_field_mib(daemon.pid(), "VmHWM");
  const calmon::pb::Status last_status = request_status(daemon.endpoints().control, 10s, curve);
  const std::uint64_t stuck_disconnections = stuck ? stuck->disconnections() : 0;
  // What a page opened now waits for: the whole session's ΔF/F₀ of every ROI, 2000 points.
  // Asked twice: the first answer may wait while calmond's dashboard thread still takes in
  // and sends the fast run's last trace updates; the second is the answer alone.
  std::optional<DashboardPages::HistoryTiming> first_history, history;
  if (pages) {
    const std::string request = R"({"history": {"id": 1, "session": 0, "first_frame": 0, "last_frame": -1, )"
                                R"("points": 2000, "roi_ids": [], "traces": ["dff"]}})";
    first_history = pages->ask_history(request);
    history = pages->ask_history(request);
  }
  const std::uint64_t page_messages = pages ? pages->messages() : 0;
  const std::uint64_t page_bytes = pages ? pages->bytes() : 0;
  pages.reset();
  stuck.reset();
  const int daemon_exit = daemon.stop(10s);

  const double raw_fps = raw_zmq_frames_per_second(
      context, endpoints.endpoint("raw"), frames, options.warmup, options.frames,
      curve_setup ? std::optional(RawCurve{curve_setup->server_keys(), *curve}) : std::nullopt);

  const auto received = traces.latencies_us.size();
  const double wall_s = static_cast<double>(traces.last_receipt_ns - sent.first_measured_ns) / 1e9;
  const double fps = received > 0 ? static_cast<double>(received) / wall_s : 0.0;
  std::printf("transport %s\n", options.transport.c_str());
  print_figure("frames_sent", static_cast<double>(measured));
  print_figure("frames_received", static_cast<double>(received));
  print_figure("lost", static_cast<double>(measured - received));
  print_figure("send_rate_fps",
               static_cast<double>(measured) / (static_cast<double>(sent.last_ns - sent.first_measured_ns) / 1e9));
  print_figure("throughput_fps", fps);
  print_figure("throughput_gbps", fps * static_cast<double>(frames.frame_bytes()) / 1e9);
  print_figure("raw_zmq_fps", raw_fps);
  print_figure("ratio_to_raw", fps / raw_fps);
  print_figure("latency_p50_us", percentile(traces.latencies_us, 50));
  print_figure("latency_p99_us", percentile(traces.latencies_us, 99));
  print_figure("latency_p999_us", percentile(traces.latencies_us, 99.9));
  print_figure("latency_max_us", percentile(traces.latencies_us, 100));
  print_figure("latency_ingest_p50_us", percentile(traces.ingest_us, 50));
  print_figure("latency_processing_p50_us", percentile(traces.processing_us, 50));
  print_figure("latency_processing_p99_us", percentile(traces.processing_us, 99));
  print_figure("latency_delivery_p50_us", percentile(traces.delivery_us, 50));
  print_figure("daemon_peak_rss_mib", peak_rss_mib);
  // Growth over the measured part: from the first sample after the warm-up to the last.
  const auto after_warmup = std::find_if(rss_samples.begin(), rss_samples.end(),
                                         [&](const auto& sample) { return sample.time_ns >= sent.first_measured_ns; });
  if (after_warmup != rss_samples.end()) {
    print_figure("daemon_rss_after_warmup_mib", after_warmup->mib);
    print_figure("daemon_rss_last_mib", rss_samples.back().mib);
    print_figure("daemon_rss_growth_mib", rss_samples.back().mib - after_warmup->mib);
    print_figure("daemon_rss_samples", static_cast<double>(rss_samples.end() - after_warmup));
    const auto largest =
        std::max_element(after_warmup, rss_samples.end(), [](const auto& a, const auto& b) { return a.mib < b.mib; });
    print_figure("daemon_rss_max_mib", largest->mib);
  }
  // The publish budget: what calmond held for subscribers at the end, what it withheld,
  // and how often it cut a stuck subscriber.
  print_figure("stuck_subscriber_disconnections", static_cast<double>(stuck_disconnections));
  print_figure("publish_bytes_held_mib", static_cast<double>(last_status.publish_bytes_held()) / (1 << 20));
  for (const char* topic : {"traces", "projections", "status", "rois"}) {
    const auto withheld = last_status.withheld().find(topic);
    print_figure(std::string("withheld_") + topic,
                 withheld == last_status.withheld().end() ? 0.0 : static_cast<double>(withheld->second));
  }
  if (history) {
    print_figure("pages", options.pages);
    print_figure("page_messages", static_cast<double>(page_messages));
    print_figure("page_mib", static_cast<double>(page_bytes) / (1 << 20));
    print_figure("history_first_answer_s", first_history->seconds);
    print_figure("history_answer_s", history->seconds);
    print_figure("history_points", static_cast<double>(history->points));
    print_figure("history_answer_mib", static_cast<double>(history->bytes) / (1 << 20));
    print_figure("history_series", static_cast<double>(history->series));
    if (!history->error.empty()) std::printf("history_error %s\n", history->error.c_str());
  }
  print_figure("end_of_stream_seen", traces.saw_end_of_stream ? 1 : 0);
  print_figure("daemon_exit_status", daemon_exit);
  std::fflush(stdout);

  if (options.run_numpy_peer) {
    char frames_file[] = "/tmp/calmon-bench-frames-XXXXXX";
    const int fd = mkstemp(frames_file);
    if (fd < 0) throw std::runtime_error("cannot create a temp file for the frames");
    close(fd);
    frames.write_raw(frames_file);
    double numpy_fps = 0;
    try {
      numpy_fps = run_numpy_peer({frames_file, config.path(), options.width, options.height, FrameSet::kDistinctFrames,
                                  options.window, options.global_traces, options.peer_seconds});
    } catch (...) {
      std::remove(frames_file);
      throw;
    }
    std::remove(frames_file);
    print_figure("numpy_fps", numpy_fps);
    print_figure("ratio_to_numpy", fps / numpy_fps);
  }
  return traces.saw_end_of_stream && daemon_exit == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const BenchOptions options = parse_bench_options(argc, argv);
  if (options.registration_peer) {
    return kBenchCommandLine.run([&] {
      run_registration_peer({options.width, options.height, options.seed, options.peer_seconds});
      return 0;
    });
  }
  if (options.follow_lag) {
    return kBenchCommandLine.run([&] {
      return run_follow_lag({options.follow_path, options.width, options.height, options.rate_hz, options.frames,
                             options.warmup, options.poll_ms, options.frames_per_file, options.seed});
    });
  }
  return kBenchCommandLine.run([&] { return run(options); });
}
