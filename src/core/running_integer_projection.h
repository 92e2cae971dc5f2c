// running_integer_projection.h — all frames or a frame range of integer pixels, exactly.
//
// Integer frames are summed exactly (integer_sums.h) by one fused pass per row
// (integer_frame_kernels.h); image() finalizes once: max and min as they are, the mean as
// the exact sum divided once in double, the std from n·Σx² − (Σx)² in 128-bit integers
// with one rounding (projection_set.h gives the tolerances).
#pragma once

#include <memory>
#include <vector>

#include "core/projection_accumulator.h"
#include "core/projection_crop.h"

namespace calmon::detail {

// For uint8, uint16, int16 and uint32. Throws calmon::Error if `kernels` asks for AVX2
// on a CPU without it.
template <class T>
std::unique_ptr<ProjectionAccumulator> make_running_integer_projection(CropGeometry geometry,
                                                                       const std::vector<ProjectionStat>& stats,
                                                                       ProjectionKernels kernels);

}  // namespace calmon::detail
