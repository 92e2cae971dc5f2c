// current_roi_set.cc — the ROI set replaced or edited, its version counted up, its ids and info kept in step.
#include "daemon/current_roi_set.h"

#include <utility>

#include "daemon/analysis_session.h"
#include "daemon/roi_set_info.h"

namespace calmon::daemon {

CurrentRoiSet::CurrentRoiSet(const pb::Config& analysis, const config::RoiLimits& limits, std::uint32_t plane)
    : limits_(limits), analysis_(analysis), session_settings_(session_settings_of(analysis)), plane_(plane) {
  assign_roi_ids(session_settings_.rois, next_id_);
  update_configured();
  describe_configured();
}

void CurrentRoiSet::update_configured() {
  auto layout = std::make_shared<Pipeline::RoiLayout>();
  layout->version = version_;
  layout->rois = session_settings_.rois;
  for (const RoiSettings& roi : layout->rois) layout->neuropil.push_back(roi.neuropil.region);
  configured_ = std::move(layout);
}

RoiSetBase CurrentRoiSet::base(const Pipeline* running) const {
  return RoiSetBase{running != nullptr ? running->layout() : configured_, running != nullptr, next_id_};
}

void CurrentRoiSet::describe_configured() {
  describe_roi_settings(session_settings_.rois, version_, info_);
  info_.set_session(session_);
  info_.set_plane(plane_);
}

void CurrentRoiSet::describe_session(const Pipeline& pipeline, std::uint64_t session) {
  session_ = session;
  describe_roi_set(pipeline, info_);
  info_.set_session(session_);
  info_.set_plane(plane_);
}

void CurrentRoiSet::replace(PreparedRoiSet prepared, Pipeline* running) {
  const std::uint32_t version = version_ + 1;
  if (running != nullptr) {  // throws, keeping the set, if it cannot
    if (prepared.edit) {
      running->install_edit(std::move(*prepared.edit));
    } else {
      running->install_rois(std::move(*prepared.compiled));
    }
  }
  // Between sessions the set was checked against the last session's frames (if any).
  info_ = std::move(prepared.info);
  info_.set_version(version);
  info_.set_session(session_);
  info_.set_plane(plane_);
  version_ = version;
  session_settings_.rois = std::move(prepared.rois);
  next_id_ = prepared.next_id;
  update_configured();
}

}  // namespace calmon::daemon
