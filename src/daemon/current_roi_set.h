// current_roi_set.h — the ROI set that sessions use, its version, and the RoiSetInfo that describes it.
//
// The set starts as the analysis config's (its ROIs given ids 1, 2, ... unless the
// config gives them) and changes by set_rois (whole) or by the live edits add_rois,
// remove_rois and update_roi: a prepared change (roi_set_preparation.h, checked and
// compiled on another thread) goes into the running Pipeline at once if a session runs,
// and in any case becomes the set every later session starts with. Each change counts
// the version up, for the daemon's life, so every result and settled row says which set
// it came from; the next fresh ROI id is kept here too. The RoiSetInfo
// kept here is what calmond publishes and answers about the set: the running session's
// (with the ROIs as its Pipeline compiled them), or the configured one between sessions.
#pragma once

#include <cstdint>
#include <memory>

#include "calmon/config.pb.h"
#include "calmon/wire.pb.h"
#include "config/roi_limits.h"
#include "core/pipeline.h"
#include "core/pipeline_settings.h"
#include "daemon/roi_set_preparation.h"

namespace calmon::daemon {

class CurrentRoiSet {
 public:
  // `plane` (calmond's --plane) is carried by the info (RoiSetInfo.plane).
  CurrentRoiSet(const pb::Config& analysis, const config::RoiLimits& limits, std::uint32_t plane);

  // What ROI sets are prepared with: the analysis config's defaults and the limits.
  const pb::Config& analysis() const { return analysis_; }
  const config::RoiLimits& limits() const { return limits_; }
  // What each new session starts with.
  const PipelineSettings& session_settings() const { return session_settings_; }
  std::uint32_t version() const { return version_; }
  std::size_t roi_count() const { return session_settings_.rois.size(); }
  const pb::RoiSetInfo& info() const { return info_; }

  // The info describes the set as configured (before a session, after reset) ...
  void describe_configured();
  // ... or as the session's Pipeline has it, session number `session` (Status.sessions),
  // which the info carries from then on (RoiSetInfo.session), also after the session.
  void describe_session(const Pipeline& pipeline, std::uint64_t session);

  // Replaces or edits the set: in `running` at once if a session runs (null: none),
  // which throws calmon::Error and keeps the old set if it cannot; and for the sessions
  // to come.
  void replace(PreparedRoiSet prepared, Pipeline* running);
  // What a change is prepared against: `running`'s set if a session runs, else the
  // configured one.
  RoiSetBase base(const Pipeline* running) const;

 private:
  void update_configured();

  config::RoiLimits limits_;
  pb::Config analysis_;                                    // its neuropil and baseline are the defaults of set_rois
  PipelineSettings session_settings_;                      // what each new session starts with
  std::uint32_t version_ = 0;                              // of session_settings_.rois; counts up for the daemon's life
  std::uint32_t next_id_ = 1;                              // the next fresh ROI id
  std::shared_ptr<const Pipeline::RoiLayout> configured_;  // session_settings_.rois as a base
  std::uint32_t plane_;
  std::uint64_t session_ = 0;  // the running or last session's number, 0 before the first
  pb::RoiSetInfo info_;
};

}  // namespace calmon::daemon
