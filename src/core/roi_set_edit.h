// roi_set_edit.h — an edit of a running ROI set that keeps what it does not change.
//
// The idea: an edit is written as the whole set it leaves behind, ROI by ROI in order,
// each entry saying whether it continues an ROI of the set being edited (`kept_from`,
// that ROI's index there) or starts afresh. A continued ROI keeps everything it has —
// its region, neuropil, baseline state and queued settled values; only its name (a
// label) and id may be new. An ROI of the edited set that no entry continues is removed.
// So adding ROIs, removing them, renaming one and restarting one with a new region are
// all the same operation, and Pipeline::prepare_edit / install_edit handle it in one way.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "core/pipeline_settings.h"

namespace calmon {

struct RoiEditEntry {
  // For a continued ROI only its name and id are read: the rest is the edited set's.
  RoiSettings roi;
  std::optional<std::size_t> kept_from;  // index in the edited set; none: a fresh ROI
};

using RoiSetEdit = std::vector<RoiEditEntry>;

}  // namespace calmon
