// session_gate.h — decides, for each decoded frame, whether it joins the session.
//
// A stream is a session: its first frame fixes the geometry (width, height, pixel type)
// and starts it. After that each frame is admitted (possibly after a gap in the
// sequence numbers), or rejected with its reason — another channel or plane than the
// daemon analyses, another geometry, a sequence number not above the last one — or, if
// the daemon is configured so, a new geometry restarts the session with this frame.
// The checks run in that order, so a frame of another channel never disturbs the
// session. Pure bookkeeping: the daemon acts on the answer (stream_analyzer.h).
#pragma once

#include <cstdint>
#include <string>

#include "calmon/wire.pb.h"
#include "core/pixel_type.h"
#include "net/frame_message.h"

namespace calmon::daemon {

struct FrameGeometry {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  PixelType pixel_type = PixelType::kU16;

  bool operator==(const FrameGeometry&) const = default;
  // "80x60 uint16"
  std::string describe() const;
};

struct Admission {
  enum class Kind {
    kStartSession,     // the first frame of a stream
    kContinueSession,  // the next frame of the running session
    kRestartSession,   // a new geometry: the running session ends, a new one starts with this frame
    kReject,
  };
  Kind kind = Kind::kReject;
  std::uint64_t missing_before = 0;  // kContinueSession: sequence numbers skipped just before
  net::Rejection reason = net::Rejection::kBadHeader;  // kReject
  std::string detail;                                   // kReject: one line for the log
};

class SessionGate {
 public:
  SessionGate(std::uint32_t channel, std::uint32_t plane, bool reset_on_geometry_change);

  // Decides about the next frame (not an end of stream) and, unless it is rejected,
  // makes it the session's latest frame.
  Admission admit(const pb::FrameHeader& header, FrameGeometry geometry);
  // The stream ended (end of stream, reset, shutdown): the next frame starts a new session.
  void end_session() { in_session_ = false; }

  bool in_session() const { return in_session_; }
  const FrameGeometry& geometry() const { return geometry_; }  // of the session, while in one
  std::uint64_t last_sequence() const { return last_sequence_; }

 private:
  Admission start(const pb::FrameHeader& header, FrameGeometry geometry, Admission::Kind kind);

  std::uint32_t channel_;
  std::uint32_t plane_;
  bool reset_on_geometry_change_;
  bool in_session_ = false;
  FrameGeometry geometry_;
  std::uint64_t last_sequence_ = 0;
};

}  // namespace calmon::daemon
