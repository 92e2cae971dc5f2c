// running_float_projection.h — all frames or a frame range of float pixels, in numpy's order.
//
// Float sums cannot be made exact, so they are kept the way numpy computes them: the
// mean as a sequential sum in the pixel type, the std with Welford's update in double,
// max and min with NaN propagating (projection_set.h gives the tolerances).
#pragma once

#include <memory>
#include <vector>

#include "core/projection_accumulator.h"
#include "core/projection_crop.h"

namespace calmon::detail {

// For float and double.
template <class T>
std::unique_ptr<ProjectionAccumulator> make_running_float_projection(CropGeometry geometry,
                                                                     const std::vector<ProjectionStat>& stats);

}  // namespace calmon::detail
