// suite2p_format.h — Suite2p's ROIs (suite2p/plane0/stat.npy with iscell.npy and ops.npy
// beside it) as calmon ROIs.
//
// Each ROI becomes the weighted mask Suite2p extracts its F from (core/suite2p_masks.h):
// its pixels without those shared with another ROI, weights lam normalised to sum 1, so
// calmon's F (the weighted mean) is Suite2p's F. It is named after its index in stat.npy,
// "s2p_17", so that yesterday's ROI 17 is today's s2p_17. iscell.npy picks the ROIs
// (ImportContext), ops.npy gives the frame size every mask is checked against and the mean
// image written as a reference for motion correction.
#pragma once

#include <string>
#include <vector>

#include "calmon/config.pb.h"
#include "config/roi_import_context.h"

namespace calmon::config {

std::vector<pb::Roi> read_suite2p_file(const std::string& path, const ImportContext& context);

}  // namespace calmon::config
