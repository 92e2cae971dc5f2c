// follow_lag.h — calmon-bench --follow-lag: how far calmon-follow runs behind the writer of a growing TIFF.
//
// No calmond. A writer thread (series_writer.h) writes a ScanImage-style series at
// `rate_hz`, into a tmpfs folder when there is one (scratch_folder.h; a disk would add
// its own latency); the real calmon-follow follows it as a child process
// (follower_process.h) into a PULL socket of this process (frame_receipts.h). For each
// frame, its lag is its receipt at the PULL socket minus the moment the writer had
// finished its page — both on this process's steady clock, so no clock is compared
// across processes. The end is the stop file, after the last frame arrived; calmon-follow
// then sends its end of stream. Prints "name value" figures (docs/benchmarks.md):
// lag percentiles over the frames after the warm-up, frames lost and duplicated, and
// calmon-follow's CPU time (/proc/<pid>/stat) from the first frame's writing to the last
// frame's receipt.
#pragma once

#include <cstdint>
#include <string>

namespace calmon::bench {

struct FollowLagSettings {
  std::string follow_path;  // the calmon-follow to run
  int width = 512;
  int height = 512;
  double rate_hz = 30;
  std::int64_t frames = 1800;  // measured, after the warm-up
  std::int64_t warmup = 30;
  int poll_ms = 5;
  std::int64_t frames_per_file = 200;
  unsigned seed = 1;
};

// Runs it and prints the figures; 0 if every frame arrived once and calmon-follow exited 0.
int run_follow_lag(const FollowLagSettings& settings);

}  // namespace calmon::bench
