// roi_set_info.h — the "rois" message: what each column of the trace arrays is.
//
// Subscribers need each ROI's id and name, its pixels, the pixels its neuropil averages (an
// automatic ring resolved to its mask) and its baseline, plus how many frames settled
// values lag. During a session that comes from the Pipeline; before one, from the
// configured settings (a ring has no pixels until a frame size is known).
#pragma once

#include <cstdint>
#include <vector>

#include "calmon/wire.pb.h"
#include "core/pipeline.h"
#include "core/pipeline_settings.h"
#include "core/region.h"

namespace calmon::daemon {

// The pipeline's current ROI set.
void describe_roi_set(const Pipeline& pipeline, pb::RoiSetInfo& info);

// A set compiled for a geometry, not yet installed: its version is left 0.
void describe_prepared_rois(const Pipeline::PreparedRois& rois, pb::RoiSetInfo& info);

// An edit compiled for the running set, not yet installed: its version is left 0.
void describe_prepared_edit(const Pipeline::PreparedEdit& edit, pb::RoiSetInfo& info);

// A configured ROI set outside a session: explicit neuropil regions only.
void describe_roi_settings(const std::vector<RoiSettings>& rois, std::uint32_t version, pb::RoiSetInfo& info);

}  // namespace calmon::daemon
