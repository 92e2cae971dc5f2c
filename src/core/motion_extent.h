// motion_extent.h — what motion correction did over a run of frames, summed up.
//
// Frames registered and used unshifted, the largest |dy| and |dx| applied and the lowest
// peak correlation: calmond's Status.motion (over the session and the status interval)
// and calmon-analyze's summary line (over the movie) both read it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/motion_correction.h"

namespace calmon {

struct MotionExtent {
  std::uint64_t registered = 0;
  std::uint64_t unshifted = 0;  // failed: used as it came
  double max_abs_dy = 0.0;
  double max_abs_dx = 0.0;
  double min_peak = std::numeric_limits<double>::infinity();

  std::uint64_t frames() const { return registered + unshifted; }

  void add(const FrameMotion& motion) {
    if (motion.failed == RegistrationFailure::kNone) {
      ++registered;
    } else {
      ++unshifted;
    }
    max_abs_dy = std::max(max_abs_dy, std::abs(motion.dy));
    max_abs_dx = std::max(max_abs_dx, std::abs(motion.dx));
    min_peak = std::min(min_peak, motion.peak);
  }
};

}  // namespace calmon
