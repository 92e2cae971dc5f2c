// current_roi_set.cc — the ROI set replaced whole, its version counted up, its info kept in step.
#include "daemon/current_roi_set.h"

#include <utility>

#include "daemon/analysis_session.h"
#include "daemon/roi_set_info.h"

namespace calmon::daemon {

CurrentRoiSet::CurrentRoiSet(const pb::Config& analysis, const config::RoiLimits& limits)
    : limits_(limits), analysis_(analysis), session_settings_(session_settings_of(analysis)) {
  describe_configured();
}

void CurrentRoiSet::describe_configured() { describe_roi_settings(session_settings_.rois, version_, info_); }

void CurrentRoiSet::describe_session(const Pipeline& pipeline) { describe_roi_set(pipeline, info_); }

void CurrentRoiSet::replace(PreparedRoiSet prepared, Pipeline* running) {
  const std::uint32_t version = version_ + 1;
  if (running != nullptr) {
    running->install_rois(std::move(*prepared.compiled));  // throws, keeping the set, if it cannot
  }
  // Between sessions the set was checked against the last session's frames (if any).
  info_ = std::move(prepared.info);
  info_.set_version(version);
  version_ = version;
  session_settings_.rois = std::move(prepared.rois);
}

}  // namespace calmon::daemon
