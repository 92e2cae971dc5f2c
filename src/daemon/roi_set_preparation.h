// roi_set_preparation.h — a set_rois request made ready to install, away from the frames.
//
// Everything a new ROI set needs before it can replace the current one happens here,
// in one pure function that any thread may run: the ROI limits (count, pixels per
// region, baseline windows and their bytes) first, then the conversion with the analysis config's defaults (neuropil,
// baseline), unique names, and — when the frames' geometry is known — the rings'
// limit, validation and compilation of regions, rings and baselines for it
// (Pipeline::prepare_rois), and the RoiSetInfo describing the set (its version is the
// daemon's to give). Without a geometry (no session yet) only what does not depend
// on the frame is checked, as at start. The StreamAnalyzer installs the result
// between two frames; a set prepared for a geometry that is no longer the session's
// must be prepared again.
#pragma once

#include <optional>
#include <vector>

#include "calmon/config.pb.h"
#include "calmon/wire.pb.h"
#include "config/roi_limits.h"
#include "core/pipeline.h"
#include "core/pipeline_settings.h"
#include "daemon/session_gate.h"

namespace calmon::daemon {

struct PreparedRoiSet {
  std::vector<RoiSettings> rois;
  std::optional<FrameGeometry> geometry;           // what it was prepared for
  std::optional<Pipeline::PreparedRois> compiled;  // when `geometry` is known
  pb::RoiSetInfo info;                             // its version left 0
};

// Throws calmon::Error (one line) naming the first problem.
PreparedRoiSet prepare_roi_set(const pb::RoiSet& rois, const pb::Config& defaults, const config::RoiLimits& limits,
                               std::optional<FrameGeometry> geometry);

}  // namespace calmon::daemon
