// stream_reports.cc — per-stream counters, bounded; see the header.
#include "daemon/stream_reports.h"

#include <algorithm>

#include "core/saturating_add.h"

namespace calmon::daemon {

StreamReports::Report* StreamReports::report_of(std::uint64_t stream_id) {
  if (stream_id == 0) return nullptr;
  if (reports_.empty() || reports_.back().stream_id != stream_id) {
    // The stream that sends is the newest: the one forgotten first has been quiet longest.
    Report report{.stream_id = stream_id};
    const auto known =
        std::find_if(reports_.begin(), reports_.end(), [&](const Report& r) { return r.stream_id == stream_id; });
    if (known != reports_.end()) {
      report = *known;
      reports_.erase(known);
    } else if (reports_.size() == kKept) {
      reports_.erase(reports_.begin());
    }
    reports_.push_back(report);
  }
  return &reports_.back();
}

void StreamReports::frame_received(std::uint64_t stream_id) {
  if (Report* report = report_of(stream_id)) saturating_increase(report->frames_received);
}

void StreamReports::frame_processed(std::uint64_t stream_id, std::uint64_t sequence, std::uint64_t session,
                                    std::uint64_t missing_before) {
  Report* report = report_of(stream_id);
  if (!report) return;
  if (report->frames_processed == 0) report->first_sequence = sequence;
  saturating_increase(report->frames_processed);
  saturating_increase(report->missing_frames, missing_before);
  report->last_sequence = sequence;
  report->session = session;
}

void StreamReports::frame_rejected(std::uint64_t stream_id) {
  if (Report* report = report_of(stream_id)) saturating_increase(report->frames_rejected);
}

void StreamReports::end_of_stream_received(std::uint64_t stream_id) {
  if (Report* report = report_of(stream_id)) report->end_of_stream_received = true;
}

void StreamReports::fill(std::uint64_t stream_id, std::uint64_t daemon_id, pb::StreamReport& report) const {
  report.Clear();
  report.set_stream_id(stream_id);
  report.set_daemon_id(daemon_id);
  const auto kept =
      std::find_if(reports_.begin(), reports_.end(), [&](const Report& r) { return r.stream_id == stream_id; });
  if (kept == reports_.end()) return;  // never stream 0: it has no report
  report.set_known(true);
  report.set_frames_received(kept->frames_received);
  report.set_frames_processed(kept->frames_processed);
  report.set_frames_rejected(kept->frames_rejected);
  report.set_end_of_stream_received(kept->end_of_stream_received);
  report.set_session(kept->session);
  report.set_first_sequence(kept->first_sequence);
  report.set_last_sequence(kept->last_sequence);
  report.set_missing_frames(kept->missing_frames);
}

}  // namespace calmon::daemon
