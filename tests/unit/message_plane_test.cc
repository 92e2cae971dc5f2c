// message_plane_test.cc — the plane read from a published message's bytes equals protobuf's
// own decoding, for each topic; plane 0 is the field's absence; bad bytes are no plane.
#include "net/message_plane.h"

#include <gtest/gtest.h>

#include <string>

#include "calmon/wire.pb.h"
#include "net/topics.h"

namespace calmon::net {
namespace {

std::optional<std::uint32_t> plane_of(std::string_view topic, const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  return message_plane(topic, bytes.data(), bytes.size());
}

TEST(MessagePlane, ATraceUpdateWithManyRoisSaysItsPlane) {
  pb::TraceUpdate update;
  update.set_sequence(12345);
  update.set_session(3);
  update.set_time_s(1.5);
  for (int i = 0; i < 10'000; ++i) {  // packed arrays, skipped by their length
    update.add_f(i * 0.5);
    update.add_flags(static_cast<std::uint32_t>(i));
  }
  update.add_settled()->add_dff(2.0);
  update.mutable_global()->set_mean(7);
  update.set_plane(29);
  EXPECT_EQ(plane_of(kTracesTopic, update), 29u);
  update.set_plane(0);  // not written at all
  EXPECT_EQ(plane_of(kTracesTopic, update), 0u);
}

TEST(MessagePlane, EachTopicReadsItsMessagesField) {
  pb::RoiSetInfo rois;
  rois.add_rois()->set_name("cell7");
  rois.set_session(2);
  rois.set_plane(4);
  EXPECT_EQ(plane_of(kRoisTopic, rois), 4u);

  pb::ProjectionSnapshot snapshot;
  snapshot.add_images()->add_pixels(1.0);
  snapshot.set_frame_index(10);  // field 1, a varint, not the plane
  snapshot.set_plane(5);
  EXPECT_EQ(plane_of(kProjectionsTopic, snapshot), 5u);

  pb::Status status;
  status.set_frames_processed(31);
  (*status.mutable_rejected())["other_channel"] = 2;
  status.set_time_base_rate_hz(30);
  status.set_plane(2);
  EXPECT_EQ(plane_of(kStatusTopic, status), 2u);
  // Status's field 31 is its motion, not a plane: the field numbers are the topic's.
  EXPECT_EQ(plane_of(kTracesTopic, status), 0u);
}

TEST(MessagePlane, AnotherTopicOrBrokenBytesHaveNoPlane) {
  pb::TraceUpdate update;
  update.set_plane(1);
  EXPECT_EQ(plane_of("unknown", update), std::nullopt);
  const std::string bytes = update.SerializeAsString() + "\xff";
  EXPECT_EQ(message_plane(kTracesTopic, bytes.data(), bytes.size()), std::nullopt);  // a key cut short
  const std::string too_long =
      "\x3a\x10"
      "abc";  // field 7, 16 bytes announced, 3 there
  EXPECT_EQ(message_plane(kTracesTopic, too_long.data(), too_long.size()), std::nullopt);
  EXPECT_EQ(message_plane(kTracesTopic, "", 0), 0u);  // an empty message: every field its default
}

TEST(MessagePlane, NamesAreQualifiedByPlane) {
  EXPECT_EQ(plane_qualified_name(2, "cell7"), "p2/cell7");
  EXPECT_EQ(plane_qualified_name(0, ""), "p0/");
}

}  // namespace
}  // namespace calmon::net
