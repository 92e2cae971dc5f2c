// session_gate.cc — channel, stream, geometry and sequence checks per frame; see the header.
#include "daemon/session_gate.h"

namespace calmon::daemon {

std::string FrameGeometry::describe() const {
  return std::to_string(width) + "x" + std::to_string(height) + " " + std::string(pixel_type_name(pixel_type));
}

SessionGate::SessionGate(GateSettings settings) : settings_(settings) {}

Admission SessionGate::start(const pb::FrameHeader& header, FrameGeometry geometry, Admission::Kind kind,
                             std::string why) {
  in_session_ = true;
  geometry_ = geometry;
  stream_id_ = header.stream_id();
  first_sequence_ = last_sequence_ = header.sequence();
  Admission admission;
  admission.kind = kind;
  admission.detail = std::move(why);
  return admission;
}

Admission SessionGate::admit(const pb::FrameHeader& header, FrameGeometry geometry) {
  const std::string frame = "frame " + std::to_string(header.sequence());
  if (header.channel() != settings_.channel || header.plane() != settings_.plane) {
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kOtherChannel,
                     frame + " is channel " + std::to_string(header.channel()) + ", plane " +
                         std::to_string(header.plane()) + "; this daemon analyses channel " +
                         std::to_string(settings_.channel) + ", plane " + std::to_string(settings_.plane)};
  }
  if (!in_session_) return start(header, geometry, Admission::Kind::kStartSession);
  if (is_other_stream(header.stream_id(), stream_id_)) {
    return start(header, geometry, Admission::Kind::kRestartSession,
                 frame + " is of stream " + std::to_string(header.stream_id()) + ", not " + std::to_string(stream_id_) +
                     ": a new sender");
  }
  if (geometry != geometry_) {
    if (settings_.reset_on_geometry_change) {
      return start(header, geometry, Admission::Kind::kRestartSession, frame + " is " + geometry.describe());
    }
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kGeometryChanged,
                     frame + " is " + geometry.describe() + ", the session's frames are " + geometry_.describe()};
  }
  if (header.sequence() <= last_sequence_) {
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kSequenceBackwards,
                     frame + " arrived after frame " + std::to_string(last_sequence_) + "; sequence numbers must rise"};
  }
  const std::uint64_t jump = header.sequence() - last_sequence_;
  if (settings_.max_sequence_jump != 0 && jump > settings_.max_sequence_jump) {
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kSequenceJump,
                     frame + " is " + std::to_string(jump) + " above frame " + std::to_string(last_sequence_) +
                         ", more than max_sequence_jump " + std::to_string(settings_.max_sequence_jump) +
                         ": taken for a corrupt sequence number"};
  }
  Admission admission;
  admission.kind = Admission::Kind::kContinueSession;
  admission.missing_before = jump - 1;
  last_sequence_ = header.sequence();
  return admission;
}

}  // namespace calmon::daemon
