// warp_frame.h — a frame resampled through a per-pixel displacement field: the
// non-rigid counterpart of shift_frame.
//
// out(y, x) = frame(y − dy(y, x), x − dx(y, x)), the convention of shift_frame and
// RigidRegistration (a field from PiecewiseRegistration::displacement, applied here,
// registers the frame onto the reference). Each pixel is computed exactly as
// shift_frame computes a pixel of a uniform shift by (dy(y, x), dx(y, x)): the same
// whole/fraction split, the same float bilinear blend in the same order (x first, then
// y), the same rule for NaN (a pixel any of whose read neighbours lies outside the frame).
// So a uniform field gives shift_frame's result bit for bit (tests/unit/warp_frame_test.cc
// holds the two together). A displacement that is not finite, or at least the frame's
// size along its axis, gives NaN.
#pragma once

#include <span>

#include "core/frame_view.h"

namespace calmon {

// dy, dx and out have frame.pixel_count() values each, row-major. Error (one line) for a
// wrong size. Allocates nothing.
void warp_frame(AnyFrameView frame, std::span<const float> dy, std::span<const float> dx, std::span<float> out);

}  // namespace calmon
