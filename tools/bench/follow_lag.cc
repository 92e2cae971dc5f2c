// follow_lag.cc — the run: folder, writer, receiver, calmon-follow; then the figures.
#include "follow_lag.h"

#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "follower_process.h"
#include "frame_receipts.h"
#include "percentile.h"
#include "process_cpu.h"
#include "scratch_folder.h"
#include "series_writer.h"
#include "steady_ns.h"

namespace calmon::bench {
namespace {

using namespace std::chrono_literals;

void print_figure(const char* name, double value) { std::printf("%s %.6g\n", name, value); }

// Waits until frame `last` has arrived, or the deadline.
void wait_for_frame(const FrameReceipts& receipts, std::int64_t last, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (receipts.newest() < last && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
}

}  // namespace

int run_follow_lag(const FollowLagSettings& settings) {
  const std::int64_t total = settings.warmup + settings.frames;
  const ScratchFolder folder("calmon-bench-follow");
  std::fprintf(stderr, "calmon-bench: writing the series into %s (%s)\n", folder.path().c_str(),
               folder.on_tmpfs() ? "tmpfs" : "not a tmpfs");
  SeriesSettings series;
  series.folder = folder.path();
  series.shape = {settings.width, settings.height};
  series.rate_hz = settings.rate_hz;
  series.frames = total;
  series.frames_per_file = settings.frames_per_file;
  series.seed = settings.seed;
  SeriesWriter writer(series);  // renders its frames now, before anything is timed

  zmq::context_t context;
  FrameReceipts receiver(context, total);
  const std::string stop_file = folder.path() + "/stop";
  // clang-format off
  FollowerProcess follower(settings.follow_path, {
      writer.file_path(0), "--to", receiver.endpoint(), "--no-ack", "--poll-ms", std::to_string(settings.poll_ms),
      "--stop-file", stop_file, "--progress", "never", "--start-sequence", "0"});
  // clang-format on
  follower.wait_until_waiting(10s);

  const double cpu_before = process_cpu_seconds(follower.pid());
  const std::int64_t start_ns = steady_now_ns();
  writer.start(receiver.newest());
  writer.join();
  // The follower's CPU up to the last frame's receipt: following, not its ending.
  wait_for_frame(receiver, total - 1, 10s);
  const double cpu_after = process_cpu_seconds(follower.pid());
  const std::int64_t end_ns = steady_now_ns();
  std::ofstream(stop_file).close();
  const int follower_exit = follower.wait_for_exit(30s);
  const Receipts receipts = receiver.finish(10s);

  std::vector<double> lags_us;
  std::int64_t lost = 0;
  for (std::int64_t k = 0; k < total; ++k) {
    const std::int64_t receipt = receipts.receipt_ns[static_cast<std::size_t>(k)];
    if (receipt == 0) {
      ++lost;
    } else if (k >= settings.warmup) {
      lags_us.push_back(static_cast<double>(receipt - writer.written_ns()[static_cast<std::size_t>(k)]) / 1e3);
    }
  }
  const double run_s = static_cast<double>(end_ns - start_ns) / 1e9;
  const double cpu_s = cpu_after - cpu_before;
  print_figure("follow_rate_hz", settings.rate_hz);
  print_figure("follow_poll_ms", settings.poll_ms);
  print_figure("files_on_tmpfs", folder.on_tmpfs() ? 1 : 0);
  print_figure("frames_written", static_cast<double>(settings.frames));
  print_figure("frames_received", static_cast<double>(lags_us.size()));
  print_figure("lost", static_cast<double>(lost));
  print_figure("duplicated", static_cast<double>(receipts.duplicates));
  print_figure("unexpected", static_cast<double>(receipts.unexpected));
  print_figure("lag_p50_us", percentile(lags_us, 50));
  print_figure("lag_p99_us", percentile(lags_us, 99));
  print_figure("lag_p999_us", percentile(lags_us, 99.9));
  print_figure("lag_max_us", percentile(lags_us, 100));
  print_figure("follow_cpu_s", cpu_s);
  print_figure("follow_cpu_percent", 100.0 * cpu_s / run_s);
  print_figure("follow_cpu_us_per_frame", 1e6 * cpu_s / static_cast<double>(total));
  print_figure("end_of_stream_seen", receipts.saw_end_of_stream ? 1 : 0);
  print_figure("follow_exit_status", follower_exit);
  std::fflush(stdout);
  const bool complete = lost == 0 && receipts.duplicates == 0 && receipts.unexpected == 0;
  return complete && receipts.saw_end_of_stream && follower_exit == 0 ? 0 : 1;
}

}  // namespace calmon::bench
