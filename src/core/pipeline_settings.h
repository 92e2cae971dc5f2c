// pipeline_settings.h — everything the pipeline computes, as plain validated values.
//
// The config file (proto/calmon/config.proto) is translated into these structs by
// src/config, so the core never sees protobuf or JSON. Shape-dependent checks (an ROI
// outside the frame) happen when a Pipeline is built for a frame shape.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/baseline.h"
#include "core/error.h"
#include "core/motion_settings.h"
#include "core/neuropil_ring.h"
#include "core/projection_set.h"
#include "core/region.h"

namespace calmon {

struct NeuropilSettings {
  enum class Source { kNone, kRegion, kRing, kGlobalMean, kGlobalMedian, kGlobalMin };
  Source source = Source::kNone;
  std::optional<Region> region;  // kRegion
  RingParams ring;               // kRing
  double r = 0.7;                // Fcorr = F - r * Fneu

  std::string describe() const;
};

struct RoiSettings {
  std::string name;
  Region region;
  NeuropilSettings neuropil;
  BaselineSettings baseline;
  // A label the pipeline only carries along (calmond's stable ROI id; 0 when unused).
  std::uint32_t id = 0;
};

// The one rule for ROI names within a set: each at most once. Records `name` in `seen`
// (the names of the set's earlier ROIs) and throws Error if it was there already.
inline void note_roi_name(std::set<std::string>& seen, const std::string& name) {
  if (!seen.insert(name).second) throw Error("ROI name '" + name + "' is used twice");
}

struct PipelineSettings {
  std::vector<RoiSettings> rois;
  std::vector<ProjectionSpec> projections;
  std::vector<std::int64_t> keep_frames;  // frame indices kept as images
  bool global_traces = true;              // per-frame global mean, median, min
  bool correlation_image = false;         // the local-correlation image (local_correlation.h)
  // Motion correction: frames reach the Pipeline registered (float32, NaN where a pixel
  // came from outside the frame; motion_correction.h). Those pixels are then left out of
  // ROI, neuropil and global means (kFlagOutsideFrame); projections keep them as NaN.
  std::optional<MotionSettings> motion;
  // The time base's rate for frames that carry no time of their own (session_clock.h):
  // it names the frames' times in seconds and changes none of the numbers above.
  std::optional<double> frame_rate_hz;
};

}  // namespace calmon
