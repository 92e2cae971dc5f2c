// stream_analyzer_control.cc — what control requests do to the analyzer: Status, ROI sets, reset, shutdown.
//
// Each runs on the pipeline thread between two frames (control_request.h answers the
// request with what these do), so none races with a frame.
#include <utility>

#include "config/roi_files.h"
#include "core/error.h"
#include "daemon/plural.h"
#include "daemon/stream_analyzer.h"
#include "net/clock.h"

namespace calmon::daemon {

void StreamAnalyzer::fill_status(pb::Status& status) {
  counters_.fill(status, session_, roi_set_.info().version(), daemon_id_);
  publishing_.report(status);
  status.set_plane(plane_);
}

void StreamAnalyzer::set_rois(const pb::RoiSet& rois) {
  install_rois(prepare_roi_set(rois, roi_set_.analysis(), roi_set_.limits(), roi_geometry(), roi_base()));
}

void StreamAnalyzer::edit_rois(const pb::ControlRequest& request) {
  install_rois(prepare_roi_edit(request, roi_set_.analysis(), roi_set_.limits(), roi_geometry(), roi_base()));
}

RoiSetBase StreamAnalyzer::roi_base() const {
  return roi_set_.base(session_.streaming() ? session_.pipeline() : nullptr);
}

void StreamAnalyzer::install_rois(PreparedRoiSet prepared) {
  if (prepared.geometry != roi_geometry()) {
    throw Error("internal: the ROI set was prepared for other frames than the session's; send it again");
  }
  if (prepared.base != roi_base().layout) {
    throw Error("internal: the ROI set changed while the request was prepared; send it again");
  }
  const bool streaming = session_.streaming();
  const char* prepared_change = prepared.change;
  roi_set_.replace(std::move(prepared), streaming ? session_.pipeline() : nullptr);
  publishing_.publish_rois(roi_set_.info(), Publisher::Importance::kEssential);
  log_(std::string("ROI set ") + prepared_change + ": " + plural(roi_set_.roi_count(), "ROI") +
       (streaming ? ", version " + std::to_string(roi_set_.info().version()) : std::string(", from the next session")));
}

void StreamAnalyzer::fill_roi_file(const pb::RoiExport& request, pb::RoiFile& file,
                                   std::vector<std::string>& warnings) {
  file = config::write_roi_file(roi_set_.session_settings().rois, request.format(), warnings);
}

void StreamAnalyzer::reset() {
  end_session("reset", net::now_ns(), 0);
  gate_.end_session();
  session_.stop();
  publishing_.forget_last_snapshot();
  roi_set_.describe_configured();
  log_("reset: projections and baselines forgotten; the next frame starts a new session");
}

void StreamAnalyzer::shutdown() {
  if (shutdown_requested_) return;
  shutdown_requested_ = true;
  log_("shutting down");
  end_session("shutdown", net::now_ns(), 0);
  gate_.end_session();
}

}  // namespace calmon::daemon
