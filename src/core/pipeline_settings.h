// pipeline_settings.h — everything the pipeline computes, as plain validated values.
//
// The config file (proto/calmon/config.proto) is translated into these structs by
// src/config, so the core never sees protobuf or JSON. Shape-dependent checks (an ROI
// outside the frame) happen when a Pipeline is built for a frame shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/baseline.h"
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
};

struct PipelineSettings {
  std::vector<RoiSettings> rois;
  std::vector<ProjectionSpec> projections;
  std::vector<std::int64_t> keep_frames;    // frame indices kept as images
  bool global_traces = true;                // per-frame global mean, median, min
  bool correlation_image = false;           // the local-correlation image (local_correlation.h)
};

}  // namespace calmon
