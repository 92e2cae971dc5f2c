// recording_test.cc — how a Recording turns calmond's messages into folders and an
// account of them: a dropped update becomes a not-received row and a count, the end of
// stream ends it (with its final snapshot), an ROI-set change opens roi_set_<v>/, a
// stream that starts over without its end of stream is a lost end, a calmond restart is
// a discontinuity (continued in session_<n>/ when the same stream goes on), --frames
// stops it, and a message that does not parse is counted and skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "recording_fixture.h"

namespace calmon::record_tool {
namespace {

using test::end_of_stream;
using test::frame_update;
using test::RecordingTest;

TEST_F(RecordingTest, ADroppedUpdateIsANotReceivedRowAndIsCounted) {
  Recording& recording = start();
  status(test::status(false));  // listening before the stream started
  frames(0, 2);
  frames(3, 4);                    // frame 2's update was dropped
  traces(end_of_stream(5));        // and so was frame 4's
  EXPECT_FALSE(recording.done());  // waiting for the final snapshot
  projections(test::snapshot(5));
  EXPECT_TRUE(recording.done());
  recording.finish("signal");
  const RecordingMetadata& m = recording.metadata();
  EXPECT_EQ(m.end_reason, "end_of_stream");
  EXPECT_EQ(m.frames_recorded, 3);
  EXPECT_EQ(m.dropped_updates, 2);
  ASSERT_EQ(m.segments.size(), 1u);
  const SegmentRecord& segment = m.segments[0];
  EXPECT_EQ((std::vector<std::int64_t>{segment.first_frame, segment.frames, segment.frames_received,
                                       segment.frames_not_received}),
            (std::vector<std::int64_t>{0, 5, 3, 2}));
  EXPECT_TRUE(segment.end_of_stream && segment.end_of_stream_received);
  EXPECT_EQ(segment.first_sequence, 1000u);
  EXPECT_EQ(segment.last_sequence, 1003u);
  EXPECT_EQ(io::count_npy_rows(path("F.npy")).in_header, 5u);
  EXPECT_EQ(test::npy_row<std::uint8_t>(path("flags_live.npy"), 2),
            (std::vector<std::uint8_t>{kFlagNotReceived, kFlagNotReceived}));
  ASSERT_EQ(m.snapshots.size(), 1u);
  EXPECT_EQ(m.snapshots[0].images, (std::vector<std::string>{"all_mean"}));
  EXPECT_TRUE(std::filesystem::exists(path("all_mean.npy")));
  EXPECT_NE(warnings().find("frames 2..2 not received (1 updates dropped by the publish socket)"), std::string::npos)
      << warnings();
}

TEST_F(RecordingTest, JoiningARunningStreamStartsWhereItJoined) {
  Recording& recording = start();
  frames(40, 42);  // no idle Status first: the stream was running
  recording.finish("signal");
  const SegmentRecord& segment = recording.metadata().segments.at(0);
  EXPECT_EQ((std::vector<std::int64_t>{segment.first_frame, segment.frames, segment.frames_not_received}),
            (std::vector<std::int64_t>{40, 2, 0}));
  EXPECT_EQ(recording.metadata().end_reason, "signal");
  EXPECT_FALSE(segment.end_of_stream);
}

TEST_F(RecordingTest, AnRoiSetChangeOpensAFolderOfItsOwn) {
  Recording& recording = start();
  status(test::status(false));
  rois(test::roi_set(1, {"a", "b"}));
  frames(0, 3, 1);
  frames(3, 5, 2);
  rois(test::roi_set(2, {"c", "d"}));
  traces(end_of_stream(5));
  recording.finish("signal");
  const RecordingMetadata& m = recording.metadata();
  ASSERT_EQ(m.segments.size(), 2u);
  EXPECT_EQ(m.segments[0].folder, ".");
  EXPECT_EQ(m.segments[1].folder, "roi_set_2");
  EXPECT_EQ(m.segments[1].first_frame, 3);
  EXPECT_EQ(m.segments[1].frames, 2);
  EXPECT_EQ(m.roi_set_versions, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_TRUE(m.segments[0].rois_json && m.segments[1].rois_json);
  EXPECT_TRUE(std::filesystem::exists(path("roi_set_2/rois.json")));
}

// After a live edit (add_rois, remove_rois, update_roi) the older versions' rows come
// at the ROIs' usual lag, in frame order, after the new version's first frames: each
// folder stays open until its rows arrived, and none is counted as not received.
TEST_F(RecordingTest, AfterALiveEditTheOlderVersionsRowsArriveLaterAndAllLand) {
  Recording& recording = start();
  status(test::status(false));
  rois(test::roi_set(1, {"a", "b"}));
  const int lag = 3;
  // Versions: 1 for frames 0..4, 2 (3 ROIs) for 5..6, 3 (2 ROIs) from 7; rows lag 3 frames.
  const auto version_of = [](std::int64_t frame) { return frame < 5 ? 1u : frame < 7 ? 2u : 3u; };
  const auto rois_of = [](std::uint32_t version) { return version == 2 ? 3 : 2; };
  for (std::int64_t frame = 0; frame < 12; ++frame) {
    const std::uint32_t version = version_of(frame);
    pb::TraceUpdate update = test::frame_update(frame, rois_of(version), version);
    update.set_stream_id(7);
    update.set_daemon_id(1);
    if (frame >= lag)
      *update.add_settled() = test::settled_row(frame - lag, rois_of(version_of(frame - lag)), version_of(frame - lag));
    traces(update);
  }
  pb::TraceUpdate tail = end_of_stream(12);
  for (std::int64_t frame = 12 - lag; frame < 12; ++frame) {
    *tail.add_settled() = test::settled_row(frame, rois_of(version_of(frame)), version_of(frame));
  }
  traces(tail);
  recording.finish("signal");
  const RecordingMetadata& m = recording.metadata();
  ASSERT_EQ(m.segments.size(), 3u);
  const std::vector<std::pair<std::int64_t, std::int64_t>> frames = {{0, 5}, {5, 2}, {7, 5}};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(m.segments[i].first_frame, frames[i].first) << i;
    EXPECT_EQ(m.segments[i].frames, frames[i].second) << i;
    EXPECT_EQ(m.segments[i].settled_frames, frames[i].second) << i;
    EXPECT_EQ(m.segments[i].settled_not_received, 0) << i;
    EXPECT_EQ(m.segments[i].frames_not_received, 0) << i;
  }
  EXPECT_EQ(m.segments[1].folder, "roi_set_2");
  EXPECT_EQ(m.segments[2].folder, "roi_set_3");
  // Row 1 of roi_set_2's settled ΔF/F₀ is frame 6's, for its 3 ROIs.
  EXPECT_EQ(test::npy_row<double>(path("roi_set_2/dff_settled.npy"), 1), (std::vector<double>{0.6, 0.6, 0.6}));
  EXPECT_EQ(warnings(), "");
}

TEST_F(RecordingTest, AStreamStartingOverWithoutItsEndIsALostEnd) {
  Recording& recording = start(true);
  status(test::status(false));
  frames(0, 4);
  frames(0, 2, 1, 8);  // another stream: frame 0 again, stream 8
  recording.finish("signal");
  const RecordingMetadata& m = recording.metadata();
  EXPECT_EQ(m.end_reason, "signal");
  EXPECT_EQ(m.end_of_stream_lost, 1);
  ASSERT_EQ(m.segments.size(), 2u);
  EXPECT_EQ(m.segments[1].folder, "session_2");
  EXPECT_EQ(m.segments[1].session, 2);
  EXPECT_TRUE(m.segments[0].end_of_stream);
  EXPECT_FALSE(m.segments[0].end_of_stream_received);
  EXPECT_EQ(m.segments[1].stream_id, 8u);
}

TEST_F(RecordingTest, ARestartOfCalmondIsADiscontinuityContinuedWhenTheStreamGoesOn) {
  Recording& recording = start(true);
  status(test::status(false));
  frames(0, 5, 1, 7, 11);  // sequences 1000..1004 from calmond 11
  // calmond 12 goes on with stream 7: its first frame (its index 0) has sequence 1010.
  frames(0, 2, 1, 7, 12, 1010);
  recording.finish("signal");
  const RecordingMetadata& m = recording.metadata();
  ASSERT_EQ(m.discontinuities.size(), 1u);
  const Discontinuity& restart = m.discontinuities[0];
  EXPECT_EQ(restart.session, 1);
  EXPECT_EQ((std::vector<std::uint64_t>{restart.daemon_id_before, restart.daemon_id_after, restart.stream_id}),
            (std::vector<std::uint64_t>{11, 12, 7}));
  EXPECT_EQ(restart.last_sequence, 1004u);
  EXPECT_EQ(restart.next_session, 2);
  EXPECT_EQ(restart.next_sequence, 1010u);
  EXPECT_EQ(restart.frames_lost, 5u);  // 1005..1009
  ASSERT_EQ(m.segments.size(), 2u);
  EXPECT_EQ(m.segments[1].folder, "session_2");
  EXPECT_EQ(m.segments[1].daemon_id, 12u);
  EXPECT_NE(warnings().find("5 frames lost in between (1005..1009)"), std::string::npos) << warnings();
}

TEST_F(RecordingTest, UntilEosARestartedCalmondWithAnotherStreamEndsTheRecording) {
  Recording& recording = start(false);
  status(test::status(false));
  frames(0, 3, 1, 7, 11);
  frames(0, 1, 1, 9, 12);
  EXPECT_TRUE(recording.done());
  recording.finish("signal");
  EXPECT_EQ(recording.metadata().end_reason, "daemon_restarted");
  EXPECT_EQ(recording.metadata().segments.size(), 1u);
  ASSERT_EQ(recording.metadata().discontinuities.size(), 1u);
  EXPECT_EQ(recording.metadata().discontinuities[0].next_session, std::nullopt);
}

TEST_F(RecordingTest, TheFrameLimitStopsIt) {
  Recording& recording = start(false, 3);
  status(test::status(false));
  frames(0, 5);
  EXPECT_TRUE(recording.done());
  recording.finish("signal");
  EXPECT_EQ(recording.metadata().end_reason, "frames");
  EXPECT_EQ(recording.metadata().frames_recorded, 3);
}

TEST_F(RecordingTest, AMessageThatDoesNotParseIsCountedAndSkipped) {
  Recording& recording = start();
  recording.on_message(PublishedMessage{"traces", zmq::message_t(std::string_view("\xff\xff\xff"))});
  pb::TraceUpdate wrong = frame_update(1, 2);
  wrong.mutable_dff()->RemoveLast();  // one value short
  status(test::status(false));
  frames(0, 1);
  traces(wrong);
  recording.finish("signal");
  EXPECT_EQ(recording.metadata().malformed_messages, 2);
  EXPECT_EQ(recording.metadata().frames_recorded, 1);
  EXPECT_NE(warnings().find("a 'traces' message that does not parse was skipped"), std::string::npos);
}

TEST_F(RecordingTest, WithPlanesEachWarningSaysItsPlane) {  // calmon-record --planes: one Recording a plane
  options_.warning_prefix = "plane 2: ";
  Recording& recording = start();
  recording.on_message(PublishedMessage{"traces", zmq::message_t(std::string_view("\xff\xff\xff"))});
  recording.finish("signal");
  EXPECT_EQ(warnings(), "calmon-record: warning: plane 2: a 'traces' message that does not parse was skipped\n");
}

TEST_F(RecordingTest, StatusLinesAreProtobufJsonOneAMessage) {
  Recording& recording = start();
  status(test::status(false));
  status(test::status(true));
  recording.finish("signal");
  EXPECT_EQ(recording.metadata().status_messages, 2);
  const std::string lines = calmon::test::read_file(path("status.jsonl"));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  EXPECT_EQ(lines.find("{\"time_ns\":\"0\""), 0u) << lines;
}

}  // namespace
}  // namespace calmon::record_tool
