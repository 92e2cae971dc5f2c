// analyzer_publishing.h — every message the analyzer publishes: trace updates, snapshots, ROI sets, Status.
//
// A frame's TraceUpdate carries its live numbers and every settled row the frame
// completed; settled rows are split so that no message carries more than
// kSettledValuesPerMessage values, nor rows of two ROI-set versions (after a live edit
// they may settle with one frame), the frame's own update first and continuations
// (settled values only) after it. A session's tail goes out the same way, with
// end_of_stream set on its last update only. ProjectionSnapshots are published on the
// snapshot tick only when frames arrived since the last one, and not even computed
// while nobody subscribes to them. The ROI set's info goes out when a session starts or
// the set is replaced (essential), and again with every Status as a reminder for late
// joiners (optional). The messages are reused objects, so their storage is too: no
// allocation per frame once a stream runs steadily.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "calmon/wire.pb.h"
#include "core/pipeline.h"
#include "daemon/analysis_session.h"
#include "daemon/publisher.h"
#include "daemon/sequence_ledger.h"
#include "daemon/trace_update.h"

namespace calmon::daemon {

// Most settled values (ROIs x frames) in one TraceUpdate: about 1 MB on the wire.
inline constexpr std::size_t kSettledValuesPerMessage = 65536;

class AnalyzerPublishing {
 public:
  // `plane` (calmond's --plane) is stamped on every snapshot.
  AnalyzerPublishing(Publisher& publisher, std::uint32_t plane) : publisher_(publisher), plane_(plane) {}

  // Whether any subscription receives projections (if not, snapshots are not computed).
  void set_projections_wanted(bool wanted) { projections_wanted_ = wanted; }

  // A frame's update with its live values (`missing_before`: the gap before it) and
  // its motion correction (null when off), then the rows it settled. Returns when the
  // first of them was published (net::now_ns()).
  std::int64_t publish_frame(const FrameStamp& stamp, const FrameResult& result, const FrameMotion* motion,
                             std::uint64_t missing_before, Pipeline& pipeline, SequenceLedger& ledger);
  // A finished session's settled tail, its last update saying end_of_stream.
  void publish_tail(const FrameStamp& stamp, Pipeline& pipeline, SequenceLedger& ledger);

  // The session's projections, if it has frames and someone wants them.
  void publish_snapshot(AnalysisSession& session, Publisher::Importance importance);
  // The snapshot tick: a snapshot unless no frame arrived since the last one.
  void on_snapshot_tick(AnalysisSession& session);
  // A new session (or reset): its first snapshot is due whatever the frame count.
  void forget_last_snapshot() { last_snapshot_frames_ = -1; }

  // The ROI set's info, when a session starts or the set is replaced.
  void publish_rois(const pb::RoiSetInfo& rois, Publisher::Importance importance);
  // Status, then the ROI set's info again for late joiners.
  void publish_status(const pb::Status& status, const pb::RoiSetInfo& rois);
  // The Publisher's own figures for Status, and its log flushed at the status tick.
  void report(pb::Status& status) const { publisher_.report(status); }
  void flush_log(std::chrono::steady_clock::time_point now) { publisher_.flush_log(now); }

 private:
  std::int64_t publish_updates(Pipeline& pipeline, SequenceLedger& ledger, bool end_of_stream);
  std::int64_t publish_update();

  Publisher& publisher_;
  std::uint32_t plane_;
  bool projections_wanted_ = true;  // until the loop knows better
  std::int64_t last_snapshot_frames_ = -1;
  // Reused for every message, so their storage is too.
  FrameStamp stamp_;
  pb::TraceUpdate update_;
  SettledRow row_;
  pb::ProjectionSnapshot snapshot_;
};

}  // namespace calmon::daemon
