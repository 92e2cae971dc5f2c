// trace_update.cc — FrameResult and SettledRow into TraceUpdate fields; see the header.
#include "daemon/trace_update.h"

#include "core/trace_flags.h"

namespace calmon::daemon {

void start_update(const FrameStamp& stamp, pb::TraceUpdate& update) {
  update.Clear();
  update.set_sequence(stamp.sequence);
  update.set_frame_index(stamp.frame_index);
  update.set_acquisition_time_ns(stamp.acquisition_time_ns);
  update.set_receive_time_ns(stamp.receive_time_ns);
  update.set_roi_set_version(stamp.roi_set_version);
  update.set_stream_id(stamp.stream_id);
  update.set_daemon_id(stamp.daemon_id);
  if (stamp.time_s) update.set_time_s(*stamp.time_s);
  update.set_session(stamp.session);
  update.set_plane(stamp.plane);
}

void add_live_values(const FrameResult& result, std::uint64_t missing_before, pb::TraceUpdate& update) {
  update.mutable_f()->Assign(result.f.begin(), result.f.end());
  update.mutable_fneu()->Assign(result.fneu.begin(), result.fneu.end());
  update.mutable_fcorr()->Assign(result.fcorr.begin(), result.fcorr.end());
  update.mutable_f0()->Assign(result.f0.begin(), result.f0.end());
  update.mutable_dff()->Assign(result.dff.begin(), result.dff.end());
  update.mutable_flags()->Assign(result.flags.begin(), result.flags.end());
  if (missing_before > 0) {
    for (std::uint32_t& flags : *update.mutable_flags()) flags |= kFlagAfterGap;
  }
  update.set_missing_before(missing_before);
  if (result.global) {
    pb::GlobalTraces* global = update.mutable_global();
    global->set_mean(result.global->mean);
    global->set_median(result.global->median);
    global->set_min(result.global->min);
  }
}

void add_motion(const FrameMotion& motion, pb::TraceUpdate& update) {
  pb::FrameMotion& wire = *update.mutable_motion();
  wire.set_dy(motion.dy);
  wire.set_dx(motion.dx);
  wire.set_peak(motion.peak);
  wire.set_failed(failure_code(motion.failed));
  wire.set_block_rows(static_cast<std::uint32_t>(motion.block_rows));
  wire.set_block_cols(static_cast<std::uint32_t>(motion.block_cols));
  for (const BlockShift& block : motion.blocks) {
    wire.add_block_dy(block.dy);
    wire.add_block_dx(block.dx);
  }
}

void add_settled_values(const SettledRow& row, std::uint64_t sequence, pb::TraceUpdate& update) {
  pb::SettledValues* settled = update.add_settled();
  settled->set_sequence(sequence);
  settled->set_frame_index(row.frame);
  settled->set_roi_set_version(row.roi_set_version);
  settled->mutable_f0()->Assign(row.f0.begin(), row.f0.end());
  settled->mutable_dff()->Assign(row.dff.begin(), row.dff.end());
  settled->mutable_flags()->Assign(row.flags.begin(), row.flags.end());
}

}  // namespace calmon::daemon
