// sliding_projection.h — the last N frames: a ring of cropped frames, numpy's algorithms on request.
//
// A window that slides cannot subtract the frame that leaves it without rounding
// differently from numpy, so the frames themselves are kept (cropped, N·sizeof(pixel)
// per pixel, allocated as they arrive) and image() runs numpy's reduction over them
// verbatim, in numpy's accumulation type: every statistic is bit-identical to
// data[-N:, crop].
#pragma once

#include <cstdint>
#include <memory>

#include "core/projection_accumulator.h"
#include "core/projection_crop.h"

namespace calmon::detail {

// For every pixel type; `last` >= 1.
template <class T>
std::unique_ptr<ProjectionAccumulator> make_sliding_projection(CropGeometry geometry, std::int64_t last);

}  // namespace calmon::detail
