// roi_limits.h — how large an ROI set may be: its ROIs, their regions, their baselines.
//
// Every ROI costs memory and time of its own (a baseline, compiled regions), and every
// pixel of its regions more; calmond bounds them before doing any work with a set —
// the analysis config at start and each set_rois: at most max_rois ROIs, at most
// max_roi_pixels pixels in an ROI's region and in its neuropil region, every baseline
// window at most max_window frames, and the baselines of the whole set at most
// max_bytes (Pipeline::max_baseline_state_bytes: their buffers at full windows, and
// the settled values that wait for the set's slowest baseline).
// calmon-analyze holds its config to the baseline limits only.
//
// Two checks, each as early as it can be. The messages first: ROIs are counted, and
// explicit regions measured as they arrived — a rectangle's area, a mask's entries, 1
// for a pixel — and every baseline (an ROI's own, or the set's default) read from its
// few fields, so a set over the limits is refused in O(ROIs), with one line naming the
// first ROI at fault, the field and the flag that sets the limit, before any region is
// converted and any baseline built. An automatic ring's size depends on the frame (it
// grows until it holds min_pixels pixels or the frame runs out, so min_pixels 100000
// means "as far as the frame goes"), so rings are checked once the frame size is known,
// before they are computed: at most min(min_pixels, frame pixels) may not exceed the
// limit. Whether a region makes sense at all (inside the frame, no repeated pixels) is
// checked later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <google/protobuf/repeated_ptr_field.h>

#include "calmon/config.pb.h"
#include "core/frame_view.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

struct BaselineLimits {
  // Frames in one baseline window: a moving window, maximin's window and its gaussian's
  // span (2 * int(4 * sigma + 0.5) + 1). 9 hours at 30 Hz, 16 minutes at 1 kHz.
  std::int64_t max_window = 1'000'000;
  // The baselines of a whole set at full windows: 10,000 ROIs (the sessions calmond's
  // defaults suit) with moving windows of 10,700 frames (6 minutes at 30 Hz) or maximin
  // windows of 1,800 (Suite2p's 60 s at 30 Hz); 20,000 ROIs with moving windows of 5,300.
  std::uint64_t max_bytes = std::uint64_t{4096} << 20;
};

struct RoiLimits {
  std::size_t max_rois = 20000;
  std::size_t max_roi_pixels = 8192;
  BaselineLimits baselines;
};

// Throws calmon::Error (one line) for the first limit the ROIs exceed; an ROI without a
// baseline of its own has the baseline of `defaults` (the analysis config).
void check_roi_limits(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const pb::Config& defaults,
                      const RoiLimits& limits);

// The Config's ROIs, its default neuropil and its default baseline.
void check_roi_limits(const pb::Config& config, const RoiLimits& limits);

// The baseline limits alone (calmon-analyze): the Config's default baseline, then each
// ROI's own window, then the set's baselines in bytes. An invalid baseline (a window of
// 0, say) is the one-line error the config's conversion gives.
void check_baseline_limits(const pb::Config& config, const BaselineLimits& limits);

// For an edit of a set (calmond's add_rois, update_roi), whose new ROIs were checked
// alone with check_roi_limits: the ROIs the set then has, and all their baselines' bytes.
void check_roi_count(std::size_t count, const RoiLimits& limits);
void check_baseline_bytes(const std::vector<RoiSettings>& rois, const BaselineLimits& limits);

// The automatic rings of `rois` in frames of `shape`.
void check_ring_limits(const std::vector<RoiSettings>& rois, FrameShape shape, const RoiLimits& limits);

}  // namespace calmon::config
