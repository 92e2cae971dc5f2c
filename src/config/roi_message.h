// roi_message.h — an ROI's settings back into the config's Roi message.
//
// The config (proto/calmon/config.proto) is turned into RoiSettings once, with the
// analysis config's defaults filled in (config_file.h). Saving or exporting the ROI set
// a daemon runs needs the way back: each ROI written with its own neuropil and baseline
// spelled out, so that reading the message again gives the same settings whatever the
// defaults of the config it is read with. A ring is written as its parameters, not its
// pixels: read again for another movie, it is resolved there.
#pragma once

#include <vector>

#include "calmon/config.pb.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

pb::Roi to_config_roi(const RoiSettings& roi);
pb::RoiSet to_config_roi_set(const std::vector<RoiSettings>& rois);

}  // namespace calmon::config
