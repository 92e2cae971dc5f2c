// analyzer_publishing.cc — trace updates split by size, snapshots when due, ROI sets and Status.
#include "daemon/analyzer_publishing.h"

#include <algorithm>

#include "net/clock.h"
#include "net/topics.h"

namespace calmon::daemon {

std::int64_t AnalyzerPublishing::publish_frame(const FrameStamp& stamp, const FrameResult& result,
                                               const FrameMotion* motion, std::uint64_t missing_before,
                                               Pipeline& pipeline, SequenceLedger& ledger) {
  stamp_ = stamp;
  start_update(stamp_, update_);
  add_live_values(result, missing_before, update_);
  if (motion) add_motion(*motion, update_);
  return publish_updates(pipeline, ledger, false);
}

void AnalyzerPublishing::publish_tail(const FrameStamp& stamp, Pipeline& pipeline, SequenceLedger& ledger) {
  stamp_ = stamp;
  start_update(stamp_, update_);
  update_.set_settled_only(true);
  publish_updates(pipeline, ledger, true);
}

std::int64_t AnalyzerPublishing::publish_updates(Pipeline& pipeline, SequenceLedger& ledger, bool end_of_stream) {
  std::int64_t first_published = 0;
  std::size_t values = 0;
  std::uint32_t version = 0;  // of the rows in update_, when values > 0
  while (pipeline.pop_settled(row_)) {
    const std::size_t row_values = std::max<std::size_t>(1, row_.f0.size());
    // One ROI-set version per message: its rows are as wide as that set (after a live
    // edit, rows of two versions may settle with one frame).
    if (values > 0 && (values + row_values > kSettledValuesPerMessage || row_.roi_set_version != version)) {
      const std::int64_t published = publish_update();
      if (first_published == 0) first_published = published;
      start_update(stamp_, update_);  // a continuation: settled values only
      update_.set_settled_only(true);
      values = 0;
    }
    add_settled_values(row_, ledger.sequence_of(row_.frame), update_);
    values += row_values;
    version = row_.roi_set_version;
  }
  update_.set_end_of_stream(end_of_stream);
  const std::int64_t published = publish_update();
  return first_published == 0 ? published : first_published;
}

std::int64_t AnalyzerPublishing::publish_update() {
  const std::int64_t now = net::now_ns();
  update_.set_publish_time_ns(now);
  publisher_.publish(net::kTracesTopic, update_, Publisher::Importance::kEssential);
  return now;
}

void AnalyzerPublishing::publish_snapshot(AnalysisSession& session, Publisher::Importance importance) {
  const Pipeline* pipeline = session.pipeline();
  if (pipeline == nullptr || pipeline->frames() == 0 || !projections_wanted_) return;
  session.fill_projections(snapshot_);
  snapshot_.set_plane(plane_);
  if (publisher_.publish(net::kProjectionsTopic, snapshot_, importance)) last_snapshot_frames_ = pipeline->frames();
}

void AnalyzerPublishing::on_snapshot_tick(AnalysisSession& session) {
  const Pipeline* pipeline = session.pipeline();
  if (pipeline == nullptr || pipeline->frames() == last_snapshot_frames_) return;
  publish_snapshot(session, Publisher::Importance::kOptional);
}

void AnalyzerPublishing::publish_rois(const pb::RoiSetInfo& rois, Publisher::Importance importance) {
  publisher_.publish(net::kRoisTopic, rois, importance);
}

void AnalyzerPublishing::publish_status(const pb::Status& status, const pb::RoiSetInfo& rois) {
  publisher_.publish(net::kStatusTopic, status, Publisher::Importance::kEssential);
  publisher_.publish(net::kRoisTopic, rois, Publisher::Importance::kOptional);  // a reminder for late joiners
}

}  // namespace calmon::daemon
