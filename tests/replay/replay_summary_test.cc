// replay_summary_test.cc — the summary line: frames, end of stream, seconds, achieved
// rate (frames after the first per second), and in paced mode the send-time error
// percentiles in µs and the late frames.
#include "replay/replay_summary.h"

#include <gtest/gtest.h>

#include <csignal>

namespace calmon::replay {
namespace {

TEST(ReplaySummary, APacedReplayReportsRateJitterAndLateFrames) {
  ReplaySummary summary;
  summary.endpoint = "tcp://127.0.0.1:5570";
  summary.frames_sent = 2000;
  summary.end_of_stream_sent = true;
  summary.seconds = 1999.0 / 30.0;
  summary.target_rate_hz = 30.0;
  for (int i = 0; i < 98; ++i) summary.send_errors.record(1'500);
  summary.send_errors.record(9'000);
  summary.send_errors.record(41'000);
  summary.late_frames = 1;
  EXPECT_EQ(format_summary(summary),
            "calmon-replay: 2000 frames + end of stream to tcp://127.0.0.1:5570 in 66.63 s, 30.00 frames/s "
            "(target 30); send-time error p50 1.5 us, p99 9.0 us, max 41.0 us; 1 late");
}

TEST(ReplaySummary, AFastReplayReportsOnlyTheRate) {
  ReplaySummary summary;
  summary.endpoint = "tcp://daemon:5570";
  summary.frames_sent = 1001;
  summary.end_of_stream_sent = true;
  summary.seconds = 0.5;
  EXPECT_EQ(format_summary(summary),
            "calmon-replay: 1001 frames + end of stream to tcp://daemon:5570 in 0.50 s, 2000.00 frames/s (--fast)");
}

TEST(ReplaySummary, AnInterruptedReplaySaysSo) {
  ReplaySummary summary;
  summary.endpoint = "tcp://127.0.0.1:5570";
  summary.frames_sent = 1;
  summary.target_rate_hz = 29.97;
  summary.signal = SIGINT;
  EXPECT_EQ(format_summary(summary),
            "calmon-replay: interrupted, 1 frame to tcp://127.0.0.1:5570 in 0.00 s (target 29.97); 0 late");
}

}  // namespace
}  // namespace calmon::replay
