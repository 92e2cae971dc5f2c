// projection_spec_check.h — the checks ProjectionSet makes of what it is asked to compute.
//
// Every problem is a calmon::Error of one line that names the projection ("projection
// 'roi_view': crop ... is outside the 512x512 frame"), so a config's mistake is found at
// once, before any frame is pushed. A checked spec also has its stats made explicit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/frame_view.h"
#include "core/pixel_type.h"
#include "core/projection_set.h"

namespace calmon::detail {

// "512x256".
std::string frame_shape_text(FrameShape shape);

// "projection 'name'", or "projection #index" for a spec without a name.
std::string projection_label(const ProjectionSpec& spec, std::size_t index);

// Frames of this shape and type can be projected at all.
void check_projection_frames(FrameShape shape, PixelType type);

// Checks one spec against the frame and returns it with its stats made explicit and
// unique (empty: mean, max, min, std).
ProjectionSpec checked_spec(ProjectionSpec spec, std::size_t index, FrameShape shape);

// The frame indices to keep, sorted and without repeats; none may be negative.
std::vector<std::int64_t> checked_keep_frames(std::vector<std::int64_t> keep_frames);

}  // namespace calmon::detail
