// caiman_format.h — CaImAn's components (the footprints `estimates/A` of a file saved with
// `cnm.save('x.hdf5')`) as calmon ROIs.
//
// Each component becomes a weighted mask whose weights are its footprint's values
// (io/caiman_file.h), so calmon's F is the footprint-weighted mean of the pixels; pixels
// below ImportContext::footprint_threshold × the component's largest value are left out.
// Named "cm_<index>", the component's column in A. The file's dims must be the movie's
// frame when one is given.
#pragma once

#include <string>
#include <vector>

#include "calmon/config.pb.h"
#include "config/roi_import_context.h"

namespace calmon::config {

std::vector<pb::Roi> read_caiman_file(const std::string& path, const ImportContext& context);

}  // namespace calmon::config
