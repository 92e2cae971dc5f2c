// stream_reports_test.cc — what calmond tells a sender about its stream: frames received,
// processed and rejected, whether its end of stream arrived, which session its frames
// went into; only for the last kKept streams, never for stream 0.
#include "daemon/stream_reports.h"

#include <gtest/gtest.h>

namespace calmon::daemon {
namespace {

pb::StreamReport report_of(const StreamReports& reports, std::uint64_t stream_id) {
  pb::StreamReport report;
  reports.fill(stream_id, 99, report);
  return report;
}

TEST(StreamReports, AStreamNeverSeenIsUnknownButStillAnswered) {
  const StreamReports reports;
  const pb::StreamReport report = report_of(reports, 5);
  EXPECT_FALSE(report.known());
  EXPECT_EQ(report.stream_id(), 5u);
  EXPECT_EQ(report.daemon_id(), 99u);
  EXPECT_FALSE(report.end_of_stream_received());
}

TEST(StreamReports, CountsWhatHappenedToEachFrameOfTheStream) {
  StreamReports reports;
  for (std::uint64_t sequence : {10, 11, 14}) {
    reports.frame_received(5);
    reports.frame_processed(5, sequence, 3, sequence == 14 ? 2 : 0);
  }
  reports.frame_received(5);
  reports.frame_rejected(5);
  reports.frame_received(6);  // another stream's frame counts for that one
  EXPECT_FALSE(report_of(reports, 5).end_of_stream_received());
  reports.end_of_stream_received(5);

  const pb::StreamReport report = report_of(reports, 5);
  EXPECT_TRUE(report.known());
  EXPECT_EQ(report.frames_received(), 4u);
  EXPECT_EQ(report.frames_processed(), 3u);
  EXPECT_EQ(report.frames_rejected(), 1u);
  EXPECT_TRUE(report.end_of_stream_received());
  EXPECT_EQ(report.session(), 3u);
  EXPECT_EQ((std::pair{report.first_sequence(), report.last_sequence()}), (std::pair{10ul, 14ul}));
  EXPECT_EQ(report.missing_frames(), 2u);
  EXPECT_EQ(report_of(reports, 6).frames_received(), 1u);
}

TEST(StreamReports, AnEndOfStreamAloneMakesTheStreamKnown) {
  StreamReports reports;
  reports.end_of_stream_received(8);
  const pb::StreamReport report = report_of(reports, 8);
  EXPECT_TRUE(report.known());
  EXPECT_TRUE(report.end_of_stream_received());
  EXPECT_EQ(report.frames_received(), 0u);
}

TEST(StreamReports, StreamZeroSaysNothingAndHasNoReport) {
  StreamReports reports;
  reports.frame_received(0);
  reports.frame_processed(0, 1, 1, 0);
  reports.end_of_stream_received(0);
  EXPECT_FALSE(report_of(reports, 0).known());
}

TEST(StreamReports, OnlyTheStreamsThatSentLastAreKept) {
  StreamReports reports;
  for (std::uint64_t id = 1; id <= StreamReports::kKept + 1; ++id) reports.frame_received(id);
  EXPECT_FALSE(report_of(reports, 1).known());  // quiet longest: forgotten
  EXPECT_TRUE(report_of(reports, 2).known());
  EXPECT_TRUE(report_of(reports, StreamReports::kKept + 1).known());
  // A stream that still sends is not forgotten; asking does not count as sending.
  reports.frame_received(2);
  (void)report_of(reports, 3);
  reports.frame_received(100);
  EXPECT_TRUE(report_of(reports, 2).known());
  EXPECT_EQ(report_of(reports, 2).frames_received(), 2u);
  EXPECT_FALSE(report_of(reports, 3).known());
}

}  // namespace
}  // namespace calmon::daemon
