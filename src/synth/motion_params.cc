// motion_params.cc — validation of MotionParams (see motion_params.h).
#include "synth/motion_params.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon::synth {
namespace {

void check_amplitude(const char* name, double px) {
  if (!std::isfinite(px) || px < 0) {
    throw Error(std::string("synthetic movie: motion ") + name + " must be a finite number of pixels >= 0, got " +
                format_number(px));
  }
}

}  // namespace

void MotionParams::validate(FrameShape frame) const {
  if (!on) return;
  check_amplitude("drift", drift_px);
  check_amplitude("walk", walk_px);
  check_amplitude("jitter", jitter_px);
  check_amplitude("warp", warp_px);
  const double limit = 0.25 * std::min(frame.width, frame.height);
  if (warp_px > 0 && max_shift_px() + warp_px > limit) {
    throw Error("synthetic movie: motion of up to " + format_number(max_shift_px() + warp_px) + " px (drift " +
                format_number(drift_px) + " + walk " + format_number(walk_px) + " + jitter " +
                format_number(jitter_px) + " + warp " + format_number(warp_px) +
                ") is more than a quarter of the frame's smaller side (" + format_number(limit) + " px)");
  }
  if (max_shift_px() > limit) {
    throw Error("synthetic movie: motion of up to " + format_number(max_shift_px()) + " px (drift " +
                format_number(drift_px) + " + walk " + format_number(walk_px) + " + jitter " +
                format_number(jitter_px) + ") is more than a quarter of the frame's smaller side (" +
                format_number(limit) + " px)");
  }
}

}  // namespace calmon::synth
