// projection_accumulator.h — one projection's running state, behind one virtual interface.
//
// ProjectionSet keeps one accumulator per projection spec. Which class it is depends on
// the frames the spec selects and the pixel type: running sums for all frames or a range
// (running_float_projection.h, running_integer_projection.h) or a ring of the last N
// frames (sliding_projection.h). The pixel type is dispatched once, when the accumulator
// is made; afterwards the only virtual calls are these, once per frame.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/frame_view.h"
#include "core/image.h"
#include "core/pixel_type.h"
#include "core/projection_set.h"

namespace calmon {

// One projection's state for frames of one pixel type.
class ProjectionAccumulator {
 public:
  virtual ~ProjectionAccumulator() = default;
  virtual void add(const void* frame_pixels) = 0;  // a whole frame; the crop is applied here
  virtual Image image(ProjectionStat stat) const = 0;
  virtual std::int64_t frame_count() const = 0;
  virtual void reset() = 0;
};

namespace detail {

inline bool has_stat(const std::vector<ProjectionStat>& stats, ProjectionStat stat) {
  return std::find(stats.begin(), stats.end(), stat) != stats.end();
}

// The accumulator for a checked spec (projection_spec_check.h) on frames of `shape` and `type`.
std::unique_ptr<ProjectionAccumulator> make_projection_accumulator(const ProjectionSpec& spec, FrameShape shape,
                                                                   PixelType type, ProjectionKernels kernels);

}  // namespace detail
}  // namespace calmon
