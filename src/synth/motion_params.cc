// motion_params.cc — validation of MotionParams (see motion_params.h).
#include "synth/motion_params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "core/error.h"

namespace calmon::synth {
namespace {

std::string shortest(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void check_amplitude(const char* name, double px) {
  if (!std::isfinite(px) || px < 0) {
    throw Error(std::string("synthetic movie: motion ") + name + " must be a finite number of pixels >= 0, got " +
                shortest(px));
  }
}

}  // namespace

void MotionParams::validate(FrameShape frame) const {
  if (!on) return;
  check_amplitude("drift", drift_px);
  check_amplitude("walk", walk_px);
  check_amplitude("jitter", jitter_px);
  const double limit = 0.25 * std::min(frame.width, frame.height);
  if (max_shift_px() > limit) {
    throw Error("synthetic movie: motion of up to " + shortest(max_shift_px()) + " px (drift " + shortest(drift_px) +
                " + walk " + shortest(walk_px) + " + jitter " + shortest(jitter_px) +
                ") is more than a quarter of the frame's smaller side (" + shortest(limit) + " px)");
  }
}

}  // namespace calmon::synth
