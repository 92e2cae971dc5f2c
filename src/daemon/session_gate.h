// session_gate.h — decides, for each decoded frame, whether it joins the session.
//
// A stream is a session: its first frame fixes the geometry (width, height, pixel type)
// and the stream id, and starts it. After that each frame is admitted (possibly after a
// gap in the sequence numbers), or rejected with its reason — another channel or plane
// than the daemon analyses, another geometry, a sequence number not above the last one
// or implausibly far above it — or the session restarts with this frame: when the frame
// belongs to another stream (a sender that restarted without an end of stream; both
// stream ids non-zero, 0 being a sender that does not say), or, if the daemon is
// configured so, has a new geometry. The checks run in that order, so a frame of
// another channel never disturbs the session. A rejected frame changes nothing: a
// corrupt sequence number (one flipped bit) costs that frame alone, not every later
// one. Pure bookkeeping: the daemon acts on the answer (stream_analyzer.h).
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
    kRestartSession,   // a new stream or geometry: the running session ends, a new one starts with this frame
    kReject,
  };
  Kind kind = Kind::kReject;
  std::uint64_t missing_before = 0;                    // kContinueSession: sequence numbers skipped just before
  net::Rejection reason = net::Rejection::kBadHeader;  // kReject
  std::string detail;                                  // kReject, kRestartSession: one line for the log, why
};

struct GateSettings {
  std::uint32_t channel = 0;
  std::uint32_t plane = 0;
  bool reset_on_geometry_change = false;
  std::uint64_t max_sequence_jump = 0;  // 0: no limit
};

// Whether a message of stream `stream_id` comes from another sender than the session of
// stream `session_stream_id`: both said who they are (0: a sender that does not), and differ.
inline bool is_other_stream(std::uint64_t stream_id, std::uint64_t session_stream_id) {
  return stream_id != 0 && session_stream_id != 0 && stream_id != session_stream_id;
}

class SessionGate {
 public:
  explicit SessionGate(GateSettings settings);

  // Decides about the next frame (not an end of stream) and, unless it is rejected,
  // makes it the session's latest frame.
  Admission admit(const pb::FrameHeader& header, FrameGeometry geometry);
  // The stream ended (end of stream, reset, shutdown): the next frame starts a new session.
  void end_session() { in_session_ = false; }

  bool in_session() const { return in_session_; }
  // Of the session, while in one (and of the last one after it ended).
  const FrameGeometry& geometry() const { return geometry_; }
  std::uint64_t stream_id() const { return stream_id_; }
  std::uint64_t first_sequence() const { return first_sequence_; }
  std::uint64_t last_sequence() const { return last_sequence_; }

 private:
  Admission start(const pb::FrameHeader& header, FrameGeometry geometry, Admission::Kind kind, std::string why = {});

  GateSettings settings_;
  bool in_session_ = false;
  FrameGeometry geometry_;
  std::uint64_t stream_id_ = 0;
  std::uint64_t first_sequence_ = 0;
  std::uint64_t last_sequence_ = 0;
};

}  // namespace calmon::daemon
