// shift_frame.h — a frame moved by a (subpixel) translation, with the pixels that came
// from outside it marked.
//
// out(y, x) = frame(y − dy, x − dx), the convention of scipy.ndimage.shift(frame, (dy, dx))
// and of RigidRegistration's result (rigid_registration.h): the shift it reports, applied
// here, registers the frame onto the reference.
//   - Integer shifts move pixels exactly: every output value is an input value, bit for
//     bit, converted to float (exact for 8- and 16-bit pixels, int16, float32; uint32
//     above 2^24 and float64 round to the nearest float).
//   - A fractional shift interpolates bilinearly between the 2 (one fractional axis) or 4
//     nearest pixels, in float: (1 − f)·a + f·b along x, then the same along y.
//   - A pixel whose source (every neighbour the interpolation reads) is not wholly inside
//     the frame is NaN: a later step can tell which ROIs touched the border's invalid
//     pixels (std::isnan), and no made-up value enters a trace unnoticed.
#pragma once

#include <span>

#include "core/frame_view.h"

namespace calmon {

// `out` has frame.pixel_count() values, row-major. Error (one line) for a wrong output
// size or a non-finite shift. Allocates nothing.
void shift_frame(AnyFrameView frame, double dy, double dx, std::span<float> out);

}  // namespace calmon
