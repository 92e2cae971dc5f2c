// replay_summary.h — what a replay did, and the one line that reports it.
//
//   calmon-replay: 2000 frames + end of stream to tcp://127.0.0.1:5570 in 66.63 s,
//   30.00 frames/s (target 30); send-time error p50 1.8 us, p99 9.3 us, max 41.0 us;
//   0 late; calmond processed all 2000
//
// (one line). The seconds run from the first frame's send to the last one's, and the
// rate is the frames after the first divided by them, so a replay paced at 30 Hz
// reports 30.00 whatever its length. The send-time error of a frame is how long after
// its due time it was handed to ZeroMQ; the first frame starts the clock and has none.
// A late frame was only ready after its due time (disk, a slow daemon, the machine).
// The last part is calmond's acknowledgement of the end of stream (stream_acknowledgement.h):
// how many of the frames sent it processed — or that it never acknowledged.
// delivery_problem() says, in one line for stderr, what went wrong on the way, if anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "replay/jitter_histogram.h"
#include "replay/stream_acknowledgement.h"

namespace calmon::replay {

struct ReplaySummary {
  std::string program = "calmon-replay";  // the line's prefix (calmon-follow prints the same line)
  std::string endpoint;
  std::int64_t frames_sent = 0;
  bool end_of_stream_sent = false;
  double seconds = 0;                    // first frame's send to the last frame's
  std::optional<double> target_rate_hz;  // nullopt: --fast, or as_written
  bool as_written = false;               // paced by the writer of the files (calmon-follow), not by a rate
  JitterHistogram send_errors;           // paced frames after the first
  std::int64_t late_frames = 0;
  int signal = 0;                                  // SIGINT/SIGTERM that stopped the replay, 0 if none
  std::uint64_t first_sequence = 0;                // of the first frame sent
  std::string control_endpoint;                    // where the acknowledgement was asked for
  std::optional<Acknowledgement> acknowledgement;  // nullopt: not asked (--no-ack, no end of stream)
};

std::string format_summary(const ReplaySummary& summary);

// One line (without "calmon-replay: ") if calmond did not acknowledge the end of stream
// or did not process every frame sent; nullopt if it did, or was not asked.
std::optional<std::string> delivery_problem(const ReplaySummary& summary);

}  // namespace calmon::replay
