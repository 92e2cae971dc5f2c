// roi_limits.h — how many ROIs a set may have, and how many pixels each of its regions.
//
// Every ROI costs memory and time of its own (a baseline, compiled regions), and every
// pixel of its regions more; calmond bounds both before doing any work with a set —
// the analysis config at start and each set_rois: at most max_rois ROIs, and at most
// max_roi_pixels pixels in an ROI's region and in its neuropil region.
//
// Two checks, each as early as it can be. The messages first: ROIs are counted, and
// explicit regions measured as they arrived — a rectangle's area, a mask's entries, 1
// for a pixel — so a set over the limits is refused in O(ROIs), with one line naming
// the first ROI at fault and the flag that sets the limit, before any region is
// converted. An automatic ring's size depends on the frame (it grows until it holds
// min_pixels pixels or the frame runs out, so min_pixels 100000 means "as far as the
// frame goes"), so rings are checked once the frame size is known, before they are
// computed: at most min(min_pixels, frame pixels) may not exceed the limit. Whether a
// region makes sense at all (inside the frame, no repeated pixels) is checked later.
#pragma once

#include <cstddef>
#include <vector>

#include <google/protobuf/repeated_ptr_field.h>

#include "calmon/config.pb.h"
#include "core/frame_view.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

struct RoiLimits {
  std::size_t max_rois = 20000;
  std::size_t max_roi_pixels = 8192;
};

// Throws calmon::Error (one line) for the first limit the ROIs exceed.
void check_roi_limits(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const RoiLimits& limits);

// The Config's ROIs and its default neuropil.
void check_roi_limits(const pb::Config& config, const RoiLimits& limits);

// The automatic rings of `rois` in frames of `shape`.
void check_ring_limits(const std::vector<RoiSettings>& rois, FrameShape shape, const RoiLimits& limits);

}  // namespace calmon::config
