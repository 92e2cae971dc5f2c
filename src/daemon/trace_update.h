// trace_update.h — the pipeline's numbers into a TraceUpdate, reusing its storage.
//
// One TraceUpdate object lives for the whole daemon: each frame clears it (protobuf
// keeps the capacity of its repeated fields and the cleared SettledValues for reuse)
// and fills it again, so a steady stream allocates nothing here.
#pragma once

#include <cstdint>
#include <optional>

#include "calmon/wire.pb.h"
#include "core/motion_correction.h"
#include "core/pipeline.h"

namespace calmon::daemon {

// Where a frame came from and when; carried by every update of that frame.
struct FrameStamp {
  std::uint64_t sequence = 0;
  std::int64_t frame_index = 0;
  std::int64_t acquisition_time_ns = 0;
  std::int64_t receive_time_ns = 0;
  std::uint32_t roi_set_version = 0;
  std::uint64_t stream_id = 0;   // the session's
  std::uint64_t daemon_id = 0;   // the publishing calmond's
  std::optional<double> time_s;  // seconds from the session's first frame, if known
  std::uint64_t session = 0;     // Status.sessions when the frame's session started
  std::uint32_t plane = 0;       // the publishing calmond's --plane
};

// Clears `update` and stamps it: an update without per-ROI numbers yet.
void start_update(const FrameStamp& stamp, pb::TraceUpdate& update);

// Adds the live numbers of one frame: f, fneu, fcorr, f0, dff and flags per ROI
// (kFlagAfterGap added to every ROI when frames were missing before it), the global
// traces if computed, and missing_before.
void add_live_values(const FrameResult& result, std::uint64_t missing_before, pb::TraceUpdate& update);

// What motion correction did to the frame.
void add_motion(const FrameMotion& motion, pb::TraceUpdate& update);

// Appends the settled numbers of one earlier frame, which carried `sequence`.
void add_settled_values(const SettledRow& row, std::uint64_t sequence, pb::TraceUpdate& update);

}  // namespace calmon::daemon
