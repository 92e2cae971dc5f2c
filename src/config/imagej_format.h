// imagej_format.h — ImageJ's `.roi` files and RoiSet.zip as calmon ROIs, and back.
//
// Reading decodes each ROI (io/imagej_roi_set.h) and takes the pixels ImageJ would
// measure (core/imagej_mask.h): a rectangle stays a rect, every other shape becomes a
// unit-weight mask. Writing makes each region an ImageJ shape with exactly its pixels
// (core/imagej_outline.h); a mask's weights cannot go along, so a mask with weights other
// than 1 is written with a warning naming it.
#pragma once

#include <string>
#include <vector>

#include "calmon/config.pb.h"
#include "config/roi_import_context.h"

namespace calmon::config {

// A single `.roi` file or a RoiSet.zip (by the name's ending).
std::vector<pb::Roi> read_imagej_file(const std::string& path, const ImportContext& context);

// A RoiSet.zip; ROIs without a name are named "roi<index>", as in a config.
void write_imagej_roi_set_file(const pb::RoiSet& rois, const std::string& path, std::vector<std::string>& warnings);

}  // namespace calmon::config
