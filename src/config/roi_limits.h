// roi_limits.h — how many ROIs a set may have, and how many pixels each of its regions.
//
// Every ROI costs memory and time of its own (a baseline, compiled regions), and every
// pixel of its regions more; calmond bounds both before doing any work with a set —
// the analysis config at start and each set_rois: at most max_rois ROIs, and at most
// max_roi_pixels pixels in an ROI's region, in its explicit neuropil region, and as the
// min_pixels of an automatic neuropil ring (the Config's default neuropil included).
// Pixels are counted from the messages as they arrived — a rectangle's area, a mask's
// entries, 1 for a pixel — so a set over the limits is refused in O(ROIs), with one
// line naming the first ROI at fault and the flag that sets the limit, before any
// region is converted or compiled. Whether a region makes sense at all (inside the
// frame, no repeated pixels) is checked later, as before.
#pragma once

#include <cstddef>

#include <google/protobuf/repeated_ptr_field.h>

#include "calmon/config.pb.h"

namespace calmon::config {

struct RoiLimits {
  std::size_t max_rois = 20000;
  std::size_t max_roi_pixels = 4096;
};

// Throws calmon::Error (one line) for the first limit the ROIs exceed.
void check_roi_limits(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const RoiLimits& limits);

// The Config's ROIs and its default neuropil.
void check_roi_limits(const pb::Config& config, const RoiLimits& limits);

}  // namespace calmon::config
