// sub_messages.h — the messages calmon-sub's tests feed its pieces: an ROI set with
// given names, a frame's update with given ΔF/F₀, settled rows, a frame's motion, the end of stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calmon/wire.pb.h"

namespace calmon::sub_tool::test {

inline pb::RoiSetInfo roi_set(std::uint32_t version, const std::vector<std::string>& names) {
  pb::RoiSetInfo info;
  info.set_version(version);
  for (const std::string& name : names) info.add_rois()->set_name(name);
  return info;
}

// A frame's own update: one F and one ΔF/F₀ per value, sequence = frame + 100.
inline pb::TraceUpdate frame_update(std::int64_t frame, std::uint32_t version, const std::vector<double>& dff) {
  pb::TraceUpdate update;
  update.set_frame_index(frame);
  update.set_sequence(static_cast<std::uint64_t>(frame) + 100);
  update.set_roi_set_version(version);
  for (const double value : dff) {
    update.add_f(1.0);
    update.add_dff(value);
  }
  return update;
}

inline void add_settled(pb::TraceUpdate& update, std::int64_t frame, std::uint32_t version,
                        const std::vector<double>& dff) {
  pb::SettledValues& row = *update.add_settled();
  row.set_frame_index(frame);
  row.set_sequence(static_cast<std::uint64_t>(frame) + 100);
  row.set_roi_set_version(version);
  for (const double value : dff) row.add_dff(value);
}

// What motion correction did to the update's frame (FrameMotion.failed: 0 registered).
inline void add_motion(pb::TraceUpdate& update, double dy, double dx, std::uint32_t failed = 0) {
  pb::FrameMotion& motion = *update.mutable_motion();
  motion.set_dy(dy);
  motion.set_dx(dx);
  motion.set_peak(0.3);
  motion.set_failed(failed);
}

inline pb::TraceUpdate end_of_stream(std::int64_t frames) {
  pb::TraceUpdate update;
  update.set_frame_index(frames);
  update.set_end_of_stream(true);
  return update;
}

}  // namespace calmon::sub_tool::test
