// session_gate.cc — channel, geometry and sequence checks per frame; see the header.
#include "daemon/session_gate.h"

namespace calmon::daemon {

std::string FrameGeometry::describe() const {
  return std::to_string(width) + "x" + std::to_string(height) + " " + std::string(pixel_type_name(pixel_type));
}

SessionGate::SessionGate(std::uint32_t channel, std::uint32_t plane, bool reset_on_geometry_change)
    : channel_(channel), plane_(plane), reset_on_geometry_change_(reset_on_geometry_change) {}

Admission SessionGate::start(const pb::FrameHeader& header, FrameGeometry geometry, Admission::Kind kind) {
  in_session_ = true;
  geometry_ = geometry;
  last_sequence_ = header.sequence();
  Admission admission;
  admission.kind = kind;
  return admission;
}

Admission SessionGate::admit(const pb::FrameHeader& header, FrameGeometry geometry) {
  if (header.channel() != channel_ || header.plane() != plane_) {
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kOtherChannel,
                     "frame " + std::to_string(header.sequence()) + " is channel " + std::to_string(header.channel()) +
                         ", plane " + std::to_string(header.plane()) + "; this daemon analyses channel " +
                         std::to_string(channel_) + ", plane " + std::to_string(plane_)};
  }
  if (!in_session_) return start(header, geometry, Admission::Kind::kStartSession);
  if (geometry != geometry_) {
    if (reset_on_geometry_change_) return start(header, geometry, Admission::Kind::kRestartSession);
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kGeometryChanged,
                     "frame " + std::to_string(header.sequence()) + " is " + geometry.describe() +
                         ", the session's frames are " + geometry_.describe()};
  }
  if (header.sequence() <= last_sequence_) {
    return Admission{Admission::Kind::kReject, 0, net::Rejection::kSequenceBackwards,
                     "frame " + std::to_string(header.sequence()) + " arrived after frame " +
                         std::to_string(last_sequence_) + "; sequence numbers must rise"};
  }
  Admission admission;
  admission.kind = Admission::Kind::kContinueSession;
  admission.missing_before = header.sequence() - last_sequence_ - 1;
  last_sequence_ = header.sequence();
  return admission;
}

}  // namespace calmon::daemon
