// metadata_test.cc — metadata.json and rois.json as a recording writes them, read back
// through their messages and as JSON text: counts as numbers, 64-bit ids and ns times as
// strings, unknowns as null (the key always there), times in ISO 8601 UTC; and each ROI
// described as calmon-analyze describes it, with its exact region besides.
#include "record/recording_metadata.h"

#include <gtest/gtest.h>

#include "config/json_message.h"
#include "record/roi_description.h"
#include "record_messages.h"

namespace calmon::record_tool {
namespace {

RecordingMetadata a_recording() {
  RecordingMetadata m;
  m.source = "tcp://127.0.0.1:5571";
  m.until = "signal";
  m.start_time_ns = 1'746'091'800'123'456'789;
  m.frames_recorded = 12;
  m.dropped_updates = 1;
  m.roi_set_versions = {0, 3};
  SegmentRecord segment;
  segment.folder = "session_2/roi_set_3";
  segment.session = 2;
  segment.roi_set_version = 3;
  segment.rois = 6;
  segment.first_frame = 100;
  segment.frames = 13;
  segment.frames_received = 12;
  segment.frames_not_received = 1;
  segment.stream_id = 11'400'714'819'323'198'485u;  // above 2^63
  segment.daemon_id = 9;
  segment.first_sequence = 100;
  m.segments.push_back(segment);
  Discontinuity restart;
  restart.session = 1;
  restart.daemon_id_before = 8;
  restart.daemon_id_after = 9;
  restart.last_sequence = 99;
  m.discontinuities.push_back(restart);
  m.snapshots.push_back({".", 100, 199, {"all_mean", "latest"}});
  return m;
}

TEST(RecordingMetadata, WhileRecordingTheEndIsNullAndEveryKeyIsThere) {
  const std::string text = describe_recording(a_recording());
  for (const char* line :
       {"\"tool\": \"calmon-record\"", "\"frame_limit\": null", "\"end_time\": null", "\"end_time_ns\": null",
        "\"end_reason\": \"recording\"", "\"frames_recorded\": 12", "\"start_time\": \"2025-05-01T09:30:00.123Z\"",
        "\"start_time_ns\": \"1746091800123456789\"", "\"stream_id\": \"11400714819323198485\"",
        "\"first_frame_index\": 100", "\"first_sequence\": 100", "\"last_sequence\": null", "\"next_session\": null",
        "\"folder\": \"session_2/roi_set_3\""}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
  EXPECT_TRUE(text.ends_with("}\n"));
}

TEST(RecordingMetadata, AFinishedRecordingReadsBackAsWritten) {
  RecordingMetadata m = a_recording();
  m.frame_limit = 500;
  m.end_time_ns = 1'746'091'867'456'000'000;
  m.end_reason = "frames";
  m.discontinuities[0].next_session = 2;
  m.discontinuities[0].next_sequence = 105;
  m.discontinuities[0].frames_lost = 5;
  const auto file = config::parse_json_as<pb::RecordingMetadataFile>(describe_recording(m), "test", "metadata.json");
  EXPECT_EQ(file.frame_limit().number_value(), 500);
  EXPECT_EQ(file.end_time().string_value(), "2025-05-01T09:31:07.456Z");
  EXPECT_EQ(file.end_time_ns().string_value(), "1746091867456000000");
  EXPECT_EQ(file.start_time_ns(), 1'746'091'800'123'456'789);
  EXPECT_EQ(file.end_reason(), "frames");
  EXPECT_EQ(file.dropped_updates(), 1);
  ASSERT_EQ(file.segments_size(), 1);
  EXPECT_EQ(file.segments(0).stream_id(), 11'400'714'819'323'198'485u);
  EXPECT_EQ(file.segments(0).frames_not_received(), 1);
  EXPECT_EQ(file.segments(0).last_sequence().kind_case(), google::protobuf::Value::kNullValue);
  EXPECT_EQ(file.discontinuities(0).frames_lost().number_value(), 5);
  EXPECT_EQ(file.discontinuities(0).kind(), "daemon_restarted");
  EXPECT_EQ(file.projections(0).images_size(), 2);
  EXPECT_EQ(file.roi_set_versions_size(), 2);
}

TEST(RecordingMetadata, NamesAreEscaped) {
  RecordingMetadata m;
  m.source = "ipc:///tmp/a \"quoted\"\tname\\";
  const auto file = config::parse_json_as<pb::RecordingMetadataFile>(describe_recording(m), "test", "metadata.json");
  EXPECT_EQ(file.source(), m.source);
}

TEST(RecordingMetadata, TimesAreUtcToTheMillisecond) {
  EXPECT_EQ(iso_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_utc(1'746'091'800'999'999'999), "2025-05-01T09:30:00.999Z");
}

TEST(RoiDescription, EachColumnIsDescribedAsCalmonAnalyzeDescribesIt) {
  pb::RoiSetInfo info = test::roi_set(4, {"cell1", "cell \"2\""});
  pb::Mask& ring = *info.mutable_rois(0)->mutable_neuropil()->mutable_mask();
  for (const int x : {1, 2, 3}) {
    ring.add_x(x);
    ring.add_y(0);
  }
  info.mutable_rois(0)->set_neuropil_source("ring, r = 0.7");
  info.set_settled_lag(250);
  info.mutable_rois(1)->set_id(17);
  const std::string text = describe_roi_set(info, 40, MovieFacts{64, 48, "uint16", "acquisition clock", 30.5});
  const auto file = config::parse_json_as<pb::RoisFile>(text, "test", "rois.json");
  ASSERT_EQ(file.rois_size(), 2);
  EXPECT_EQ(file.rois(0).name(), "cell1");
  EXPECT_EQ(file.rois(0).region(), "rectangle x 0:4, y 5:8");
  EXPECT_EQ(file.rois(0).neuropil(), "ring, r = 0.7");
  EXPECT_EQ(file.rois(0).neuropil_pixels(), 3);
  EXPECT_EQ(file.rois(0).neuropil_spec().mask().x_size(), 3);
  EXPECT_EQ(file.rois(1).name(), "cell \"2\"");
  EXPECT_EQ(file.rois(1).index(), 1);
  EXPECT_FALSE(file.rois(0).has_id());  // a calmond without ids: none written
  EXPECT_EQ(file.rois(1).id(), 17u);    // calmond's stable id, to follow the column across versions
  EXPECT_EQ(file.rois(1).region_spec().rect().xmin(), 10);
  EXPECT_FALSE(file.rois(1).has_neuropil_spec());  // no neuropil: left out, not empty
  EXPECT_EQ(file.frames(), 40);
  EXPECT_EQ(file.width(), 64);
  EXPECT_EQ(file.pixel_type(), "uint16");
  EXPECT_EQ(file.time_source(), "acquisition clock");
  EXPECT_EQ(file.frame_rate_hz(), 30.5);
  EXPECT_EQ(file.roi_set_version(), 4u);
  EXPECT_EQ(file.settled_lag(), 250);
}

TEST(RoiDescription, WithoutAStatusTheMovieIsLeftOut) {
  const auto file = config::parse_json_as<pb::RoisFile>(describe_roi_set(test::roi_set(1, {"a"}), 0, std::nullopt),
                                                        "test", "rois.json");
  EXPECT_FALSE(file.has_width());
  EXPECT_FALSE(file.has_pixel_type());
  EXPECT_FALSE(file.has_time_source());
  EXPECT_EQ(describe_region(pb::Region()), "none");
  EXPECT_EQ(region_pixel_count(file.rois(0).region_spec()), 12u);
}

}  // namespace
}  // namespace calmon::record_tool
