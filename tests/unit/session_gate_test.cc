// session_gate_test.cc — the first frame fixes the session's geometry; later frames are
// admitted, counted as after a gap, or rejected with their reason; a new geometry
// restarts the session only when configured to.
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

TEST(SessionGate, TheFirstFrameStartsASessionAndFixesItsGeometry) {
  SessionGate gate(0, 0, false);
  EXPECT_FALSE(gate.in_session());
  EXPECT_EQ(gate.admit(header(41), k80x60).kind, Admission::Kind::kStartSession);
  EXPECT_TRUE(gate.in_session());
  EXPECT_EQ(gate.geometry(), k80x60);
  EXPECT_EQ(gate.last_sequence(), 41u);
}

TEST(SessionGate, ConsecutiveFramesContinueTheSessionAndAJumpIsAGap) {
  SessionGate gate(0, 0, false);
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
  SessionGate gate(0, 0, false);
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
  SessionGate gate(0, 0, false);
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
  SessionGate gate(0, 0, true);
  gate.admit(header(100), k80x60);
  const FrameGeometry small{40, 30, PixelType::kU8};
  EXPECT_EQ(gate.admit(header(5), small).kind, Admission::Kind::kRestartSession);  // a new stream: any sequence
  EXPECT_EQ(gate.geometry(), small);
  EXPECT_EQ(gate.admit(header(6), small).kind, Admission::Kind::kContinueSession);
}

TEST(SessionGate, FramesOfAnotherChannelOrPlaneAreRejectedAndStartNoSession) {
  SessionGate gate(1, 2, true);
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
  SessionGate gate(0, 0, false);
  gate.admit(header(50), k80x60);
  gate.end_session();
  EXPECT_FALSE(gate.in_session());
  EXPECT_EQ(gate.admit(header(1), FrameGeometry{10, 10, PixelType::kU8}).kind, Admission::Kind::kStartSession);
}

}  // namespace
}  // namespace calmon::daemon
