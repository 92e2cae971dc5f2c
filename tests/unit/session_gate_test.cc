// session_gate_test.cc — the first frame fixes the session's geometry and stream; later
// frames are admitted, counted as after a gap, or rejected with their reason; a frame of
// another stream restarts the session, a new geometry only when configured to; a
// sequence number too far above the last is rejected without becoming the last.
#include "daemon/session_gate.h"

#include <gtest/gtest.h>

namespace calmon::daemon {
namespace {

const FrameGeometry k80x60{80, 60, PixelType::kU16};

pb::FrameHeader header(std::uint64_t sequence, std::uint32_t channel = 0, std::uint32_t plane = 0) {
  pb::FrameHeader h;
  h.set_sequence(sequence);
  h.set_channel(channel);
  h.set_plane(plane);
  return h;
}

pb::FrameHeader of_stream(std::uint64_t stream_id, std::uint64_t sequence) {
  pb::FrameHeader h = header(sequence);
  h.set_stream_id(stream_id);
  return h;
}

GateSettings settings(std::uint32_t channel = 0, std::uint32_t plane = 0, bool reset_on_geometry_change = false,
                      std::uint64_t max_sequence_jump = 0) {
  return GateSettings{channel, plane, reset_on_geometry_change, max_sequence_jump};
}

TEST(SessionGate, TheFirstFrameStartsASessionAndFixesItsGeometry) {
  SessionGate gate(settings());
  EXPECT_FALSE(gate.in_session());
  EXPECT_EQ(gate.admit(header(41), k80x60).kind, Admission::Kind::kStartSession);
  EXPECT_TRUE(gate.in_session());
  EXPECT_EQ(gate.geometry(), k80x60);
  EXPECT_EQ(gate.last_sequence(), 41u);
}

TEST(SessionGate, ConsecutiveFramesContinueTheSessionAndAJumpIsAGap) {
  SessionGate gate(settings());
  gate.admit(header(1), k80x60);
  Admission next = gate.admit(header(2), k80x60);
  EXPECT_EQ(next.kind, Admission::Kind::kContinueSession);
  EXPECT_EQ(next.missing_before, 0u);
  Admission after_gap = gate.admit(header(7), k80x60);
  EXPECT_EQ(after_gap.kind, Admission::Kind::kContinueSession);
  EXPECT_EQ(after_gap.missing_before, 4u);
  EXPECT_EQ(gate.last_sequence(), 7u);
}

TEST(SessionGate, ASequenceNumberNotAboveTheLastIsRejectedAndChangesNothing) {
  SessionGate gate(settings());
  gate.admit(header(10), k80x60);
  for (std::uint64_t sequence : {10u, 9u, 0u}) {
    const Admission admission = gate.admit(header(sequence), k80x60);
    EXPECT_EQ(admission.kind, Admission::Kind::kReject);
    EXPECT_EQ(admission.reason, net::Rejection::kSequenceBackwards);
    EXPECT_NE(admission.detail.find("after frame 10"), std::string::npos) << admission.detail;
  }
  EXPECT_EQ(gate.admit(header(11), k80x60).missing_before, 0u);
}

TEST(SessionGate, AnotherGeometryIsRejectedByDefault) {
  SessionGate gate(settings());
  gate.admit(header(1), k80x60);
  for (FrameGeometry other : {FrameGeometry{80, 61, PixelType::kU16}, FrameGeometry{81, 60, PixelType::kU16},
                              FrameGeometry{80, 60, PixelType::kF32}}) {
    const Admission admission = gate.admit(header(2), other);
    EXPECT_EQ(admission.kind, Admission::Kind::kReject);
    EXPECT_EQ(admission.reason, net::Rejection::kGeometryChanged);
    EXPECT_NE(admission.detail.find("80x60 uint16"), std::string::npos) << admission.detail;
  }
  EXPECT_EQ(gate.geometry(), k80x60);
  EXPECT_EQ(gate.admit(header(2), k80x60).kind, Admission::Kind::kContinueSession);
}

TEST(SessionGate, AnotherGeometryRestartsTheSessionWhenConfigured) {
  SessionGate gate(settings(0, 0, true));
  gate.admit(header(100), k80x60);
  const FrameGeometry small{40, 30, PixelType::kU8};
  EXPECT_EQ(gate.admit(header(5), small).kind, Admission::Kind::kRestartSession);  // a new stream: any sequence
  EXPECT_EQ(gate.geometry(), small);
  EXPECT_EQ(gate.admit(header(6), small).kind, Admission::Kind::kContinueSession);
}

TEST(SessionGate, FramesOfAnotherChannelOrPlaneAreRejectedAndStartNoSession) {
  SessionGate gate(settings(1, 2, true));
  const Admission channel = gate.admit(header(1, 0, 2), k80x60);
  EXPECT_EQ(channel.kind, Admission::Kind::kReject);
  EXPECT_EQ(channel.reason, net::Rejection::kOtherChannel);
  EXPECT_EQ(gate.admit(header(1, 1, 0), k80x60).reason, net::Rejection::kOtherChannel);
  EXPECT_FALSE(gate.in_session());
  EXPECT_EQ(gate.admit(header(1, 1, 2), k80x60).kind, Admission::Kind::kStartSession);
  // Checked before geometry: a frame of another channel never restarts the session.
  EXPECT_EQ(gate.admit(header(2, 0, 0), FrameGeometry{8, 8, PixelType::kU8}).reason, net::Rejection::kOtherChannel);
  EXPECT_EQ(gate.geometry(), k80x60);
}

TEST(SessionGate, AfterTheEndOfASessionAnyFrameStartsTheNext) {
  SessionGate gate(settings());
  gate.admit(header(50), k80x60);
  gate.end_session();
  EXPECT_FALSE(gate.in_session());
  EXPECT_EQ(gate.admit(header(1), FrameGeometry{10, 10, PixelType::kU8}).kind, Admission::Kind::kStartSession);
}

TEST(SessionGate, AFrameOfAnotherStreamEndsTheSessionAndStartsTheNextWithAnySequence) {
  SessionGate gate(settings());
  gate.admit(of_stream(7, 100), k80x60);
  EXPECT_EQ(gate.admit(of_stream(7, 101), k80x60).kind, Admission::Kind::kContinueSession);
  // A restarted sender, no end of stream in between: its numbers start again, even its geometry may differ.
  const FrameGeometry small{40, 30, PixelType::kU8};
  const Admission restart = gate.admit(of_stream(8, 0), small);
  EXPECT_EQ(restart.kind, Admission::Kind::kRestartSession);
  EXPECT_NE(restart.detail.find("stream 8, not 7"), std::string::npos) << restart.detail;
  EXPECT_EQ(gate.stream_id(), 8u);
  EXPECT_EQ(gate.geometry(), small);
  EXPECT_EQ((std::pair{gate.first_sequence(), gate.last_sequence()}), (std::pair{0ul, 0ul}));
  EXPECT_EQ(gate.admit(of_stream(8, 1), small).kind, Admission::Kind::kContinueSession);
}

TEST(SessionGate, AStreamIdOfZeroSaysNothingAndNeverRestartsTheSession) {
  SessionGate gate(settings());
  gate.admit(of_stream(7, 10), k80x60);
  EXPECT_EQ(gate.admit(of_stream(0, 11), k80x60).kind, Admission::Kind::kContinueSession);
  EXPECT_EQ(gate.admit(of_stream(0, 5), k80x60).reason, net::Rejection::kSequenceBackwards);
  EXPECT_EQ(gate.stream_id(), 7u);

  SessionGate anonymous(settings());
  anonymous.admit(of_stream(0, 10), k80x60);
  EXPECT_EQ(anonymous.admit(of_stream(9, 11), k80x60).kind, Admission::Kind::kContinueSession);
  EXPECT_EQ(anonymous.admit(of_stream(9, 0), k80x60).reason, net::Rejection::kSequenceBackwards);
}

TEST(SessionGate, AFrameOfAnotherChannelNeverRestartsTheSessionWhateverItsStream) {
  SessionGate gate(settings(0, 0));
  gate.admit(of_stream(7, 1), k80x60);
  pb::FrameHeader other = of_stream(8, 0);
  other.set_channel(1);
  EXPECT_EQ(gate.admit(other, k80x60).reason, net::Rejection::kOtherChannel);
  EXPECT_EQ(gate.stream_id(), 7u);
}

TEST(SessionGate, ASequenceJumpBeyondTheLimitIsRejectedAndDoesNotBecomeTheLast) {
  SessionGate gate(settings(0, 0, false, 1000));
  gate.admit(header(50), k80x60);
  EXPECT_EQ(gate.admit(header(1050), k80x60).missing_before, 999u);  // a jump of 1000 is allowed
  // Frame 1051 with bit 62 flipped: 2^62 + 1051.
  const std::uint64_t flipped = (std::uint64_t{1} << 62) + 1051;
  const Admission corrupt = gate.admit(header(flipped), k80x60);
  EXPECT_EQ(corrupt.kind, Admission::Kind::kReject);
  EXPECT_EQ(corrupt.reason, net::Rejection::kSequenceJump);
  EXPECT_NE(corrupt.detail.find("above frame 1050"), std::string::npos) << corrupt.detail;
  EXPECT_EQ(gate.last_sequence(), 1050u);
  // The frames after it continue as if it never came: the flipped frame is a gap of one.
  const Admission next = gate.admit(header(1052), k80x60);
  EXPECT_EQ(next.kind, Admission::Kind::kContinueSession);
  EXPECT_EQ(next.missing_before, 1u);
}

TEST(SessionGate, WithoutALimitAnyJumpIsAGap) {
  SessionGate gate(settings(0, 0, false, 0));
  gate.admit(header(0), k80x60);
  const Admission huge = gate.admit(header(~std::uint64_t{0}), k80x60);
  EXPECT_EQ(huge.kind, Admission::Kind::kContinueSession);
  EXPECT_EQ(huge.missing_before, ~std::uint64_t{0} - 1);
}

}  // namespace
}  // namespace calmon::daemon
