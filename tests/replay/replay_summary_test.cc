// replay_summary_test.cc — the summary line: frames, end of stream, seconds, achieved
// rate (frames after the first per second), in paced mode the send-time error
// percentiles in µs and the late frames, and calmond's acknowledgement; and the one
// line that says what was lost on the way.
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

// calmon-follow prints the same line under its own name, paced by the files' writer.
TEST(ReplaySummary, AFollowSaysItsNameAndThatItWentAsWritten) {
  ReplaySummary summary;
  summary.program = "calmon-follow";
  summary.endpoint = "tcp://daemon:5570";
  summary.frames_sent = 301;
  summary.end_of_stream_sent = true;
  summary.seconds = 10.0;
  summary.as_written = true;
  EXPECT_EQ(format_summary(summary),
            "calmon-follow: 301 frames + end of stream to tcp://daemon:5570 in 10.00 s, 30.00 frames/s (as written)");
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

ReplaySummary acknowledged(std::uint64_t received, std::uint64_t processed, std::uint64_t first_processed = 0) {
  ReplaySummary summary;
  summary.endpoint = "tcp://127.0.0.1:5570";
  summary.control_endpoint = "tcp://127.0.0.1:5572";
  summary.frames_sent = 2000;
  summary.end_of_stream_sent = true;
  summary.seconds = 1.0;
  Acknowledgement ack;
  ack.outcome = Acknowledgement::Outcome::kAcknowledged;
  ack.report.set_known(true);
  ack.report.set_frames_received(received);
  ack.report.set_frames_processed(processed);
  ack.report.set_frames_rejected(received - processed);
  ack.report.set_first_sequence(first_processed);
  ack.report.set_end_of_stream_received(true);
  summary.acknowledgement = ack;
  return summary;
}

TEST(ReplaySummary, EveryFrameProcessedEndsTheLineAndIsNoProblem) {
  const ReplaySummary summary = acknowledged(2000, 2000);
  EXPECT_EQ(format_summary(summary),
            "calmon-replay: 2000 frames + end of stream to tcp://127.0.0.1:5570 in 1.00 s, 1999.00 frames/s (--fast); "
            "calmond processed all 2000");
  EXPECT_EQ(delivery_problem(summary), std::nullopt);
}

TEST(ReplaySummary, FramesLostToARestartedCalmondAreAProblemNamingWhereItJoined) {
  const ReplaySummary summary = acknowledged(1477, 1477, 523);
  EXPECT_NE(format_summary(summary).find("; calmond processed 1477 of 2000 frames (0 rejected, 523 never arrived)"),
            std::string::npos)
      << format_summary(summary);
  EXPECT_EQ(delivery_problem(summary),
            "calmond processed 1477 of the 2000 frames sent; 523 never reached it (the calmond answering saw this "
            "stream from frame 523 on: it was restarted mid-stream)");
}

TEST(ReplaySummary, RejectedFramesAreAProblem) {
  EXPECT_EQ(delivery_problem(acknowledged(2000, 0)),
            "calmond processed 0 of the 2000 frames sent; it rejected 2000 (its log and Status.rejected say why)");
}

TEST(ReplaySummary, NoAcknowledgementIsAProblemAndSaysSo) {
  ReplaySummary summary = acknowledged(0, 0);
  summary.acknowledgement->outcome = Acknowledgement::Outcome::kNoReply;
  EXPECT_NE(format_summary(summary).find("(--fast); not acknowledged by calmond"), std::string::npos);
  EXPECT_NE(delivery_problem(summary)->find("calmond never acknowledged the end of stream: no reply from its "
                                            "control socket tcp://127.0.0.1:5572"),
            std::string::npos);
  summary.acknowledgement->outcome = Acknowledgement::Outcome::kRefused;
  summary.acknowledgement->error = "malformed control request: no command";
  EXPECT_NE(delivery_problem(summary)->find("refused the stream query (malformed control request: no command)"),
            std::string::npos);
}

TEST(ReplaySummary, NotAskedOrInterruptedWhileWaitingIsNoProblem) {
  ReplaySummary summary = acknowledged(10, 10);
  summary.acknowledgement.reset();
  EXPECT_EQ(delivery_problem(summary), std::nullopt);
  EXPECT_EQ(format_summary(summary).find("calmond"), std::string::npos);
  summary = acknowledged(10, 10);
  summary.acknowledgement->outcome = Acknowledgement::Outcome::kInterrupted;
  EXPECT_EQ(delivery_problem(summary), std::nullopt);
  EXPECT_NE(format_summary(summary).find("; acknowledgement not awaited"), std::string::npos);
}

}  // namespace
}  // namespace calmon::replay
