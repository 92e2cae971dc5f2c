// roi_set_preparation.h — a request that changes the ROI set made ready to install, away from the frames.
//
// Everything a new ROI set needs before it can take the current one's place happens
// here, in pure functions that any thread may run, against a snapshot of the set as it
// is (RoiSetBase). set_rois (prepare_roi_set): the ROI limits (count, pixels per region,
// baseline windows and their bytes) first, then the conversion with the analysis
// config's defaults (neuropil, baseline), unique names and ids, and — when the frames'
// geometry is known — the rings' limit, validation and compilation of regions, rings
// and baselines for it (Pipeline::prepare_rois), and the RoiSetInfo describing the set
// (its version is the daemon's to give). Without a geometry (no session yet) only what
// does not depend on the frame is checked, as at start.
//
// The live edits (prepare_roi_edit: add_rois, remove_rois, update_roi) work out the set
// they leave — the current ROIs in order, removed ones left out, added ones at the end,
// an updated one in its place — and whether each ROI goes on (its state kept, see
// core/roi_set_edit.h) or starts afresh; the same limits hold for the set they leave.
// During a session they are compiled against the running Pipeline's set
// (Pipeline::prepare_edit); between sessions they edit the set the next session starts
// with, checked like a set_rois. A refused request names the ROI at fault and changes
// nothing.
//
// Ids: every ROI has one, a number calmond never gives to another ROI while it runs
// (RoiSetBase::next_id counts up). An ROI keeps its id through renames and restarts; a
// set_rois or add_rois ROI without an id gets the next fresh one, in order; one with an
// id keeps it (it must not be in the set already).
//
// The StreamAnalyzer installs the result between two frames; what was prepared for
// another geometry or another base than the current one must be prepared again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "calmon/config.pb.h"
#include "calmon/wire.pb.h"
#include "config/roi_limits.h"
#include "core/pipeline.h"
#include "core/pipeline_settings.h"
#include "daemon/session_gate.h"

namespace calmon::daemon {

// The ROI set a request is prepared against.
struct RoiSetBase {
  // The set now: a running session's (its Pipeline's layout) or the configured one.
  std::shared_ptr<const Pipeline::RoiLayout> layout;
  bool running = false;       // layout is a running Pipeline's: an edit compiles against it
  std::uint32_t next_id = 1;  // the next fresh ROI id
};

struct PreparedRoiSet {
  std::vector<RoiSettings> rois;                    // the set it leaves, every id given
  std::optional<FrameGeometry> geometry;            // what it was prepared for
  std::optional<Pipeline::PreparedRois> compiled;   // a whole set, when `geometry` is known
  std::optional<Pipeline::PreparedEdit> edit;       // an edit of a running session's set
  std::shared_ptr<const Pipeline::RoiLayout> base;  // what it was prepared against
  std::uint32_t next_id = 1;                        // the next fresh id once it is installed
  pb::RoiSetInfo info;                              // its version left 0
  const char* change = "replaced";                  // for the log: "replaced" or "edited"
};

// Throws calmon::Error (one line) naming the first problem.
PreparedRoiSet prepare_roi_set(const pb::RoiSet& rois, const pb::Config& defaults, const config::RoiLimits& limits,
                               std::optional<FrameGeometry> geometry, const RoiSetBase& base);

// An add_rois, remove_rois or update_roi request. Throws calmon::Error (one line).
PreparedRoiSet prepare_roi_edit(const pb::ControlRequest& request, const pb::Config& defaults,
                                const config::RoiLimits& limits, std::optional<FrameGeometry> geometry,
                                const RoiSetBase& base);

// Whether the request is one of the four that change the ROI set.
bool changes_roi_set(const pb::ControlRequest& request);

// Gives every ROI without an id (0) the next fresh one, in order, after checking that
// no id is given twice; `next_id` ends past every id of the set.
void assign_roi_ids(std::vector<RoiSettings>& rois, std::uint32_t& next_id);

}  // namespace calmon::daemon
