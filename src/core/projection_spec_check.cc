// projection_spec_check.cc — projection specs, frame formats and kept-frame indices checked, with messages.
#include "core/projection_spec_check.h"

#include <algorithm>
#include <utility>

#include "core/error.h"
#include "core/projection_accumulator.h"

namespace calmon::detail {

std::string frame_shape_text(FrameShape shape) {
  return std::to_string(shape.width) + "x" + std::to_string(shape.height);
}

std::string projection_label(const ProjectionSpec& spec, std::size_t index) {
  return spec.name.empty() ? "projection #" + std::to_string(index) : "projection '" + spec.name + "'";
}

// Checks one spec and returns it with its stats made explicit and unique.
ProjectionSpec checked_spec(ProjectionSpec spec, std::size_t index, FrameShape shape) {
  const std::string label = projection_label(spec, index);
  std::vector<ProjectionStat> stats;
  for (ProjectionStat stat : spec.stats) {
    if (projection_stat_name(stat) == "unknown") {
      throw Error(label + ": unknown stat code " + std::to_string(static_cast<int>(stat)));
    }
    if (!has_stat(stats, stat)) stats.push_back(stat);
  }
  if (stats.empty()) {
    stats = {ProjectionStat::kMean, ProjectionStat::kMax, ProjectionStat::kMin, ProjectionStat::kStd};
  }
  spec.stats = std::move(stats);

  if (spec.crop) {
    const Rect& crop = *spec.crop;
    if (crop.empty()) {
      throw Error(label + ": crop " + crop.to_string() + " is empty (xmax must be > xmin and ymax > ymin)");
    }
    if (!crop.inside(shape)) {
      throw Error(label + ": crop " + crop.to_string() + " is outside the " + frame_shape_text(shape) + " frame");
    }
  }
  switch (spec.frames) {
    case ProjectionSpec::Frames::kAll: break;
    case ProjectionSpec::Frames::kRange:
      if (spec.begin < 0) {
        throw Error(label + ": frame range begins at " + std::to_string(spec.begin) + "; frame indices start at 0");
      }
      if (spec.end && *spec.end <= spec.begin) {
        throw Error(label + ": frame range " + std::to_string(spec.begin) + ":" + std::to_string(*spec.end) +
                    " is empty (end must be > begin)");
      }
      break;
    case ProjectionSpec::Frames::kLast:
      if (spec.last < 1) {
        throw Error(label + ": the last N frames needs N >= 1, got " + std::to_string(spec.last));
      }
      break;
    default: throw Error(label + ": unknown frame selection code " + std::to_string(static_cast<int>(spec.frames)));
  }
  return spec;
}

void check_projection_frames(FrameShape shape, PixelType type) {
  if (shape.width <= 0 || shape.height <= 0) {
    throw Error("projections: frame shape " + frame_shape_text(shape) + " has no pixels");
  }
  if (pixel_type_name(type) == "unknown") {
    throw Error("projections: unsupported pixel type code " + std::to_string(static_cast<int>(type)));
  }
}

std::vector<std::int64_t> checked_keep_frames(std::vector<std::int64_t> keep_frames) {
  for (std::int64_t t : keep_frames) {
    if (t < 0) {
      throw Error("keep_frames: frame index " + std::to_string(t) +
                  " is negative (the latest frame is always available)");
    }
  }
  std::sort(keep_frames.begin(), keep_frames.end());
  keep_frames.erase(std::unique(keep_frames.begin(), keep_frames.end()), keep_frames.end());
  return keep_frames;
}

}  // namespace calmon::detail
