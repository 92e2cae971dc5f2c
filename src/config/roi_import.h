// roi_import.h — `calmon-rois import`: ROI files of any known format into one ROI set.
//
// Each file is read by its format's reader (roi_formats.h), in the order given; the ROIs
// keep the order of their files. The set must hold unique names (the config's rule), and,
// with a frame size, every region must lie inside the frame: ImageJ would clip an ROI
// that reaches outside, calmon refuses it by name so that no ROI silently loses pixels.
#pragma once

#include <string>
#include <vector>

#include "calmon/config.pb.h"
#include "config/roi_formats.h"

namespace calmon::config {

// Throws calmon::Error naming the file or the ROI at fault.
pb::RoiSet import_rois(const std::vector<std::string>& paths, const ImportContext& context);

}  // namespace calmon::config
