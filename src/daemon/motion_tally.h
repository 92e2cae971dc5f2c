// motion_tally.h — the session's motion correction summed up for Status.motion.
//
// Counts the frames registered and the frames used unshifted since the session began,
// and over the current status interval the largest |dy| and |dx| applied and the lowest
// peak correlation: a glance tells whether the brain moves more than usual, or the
// registration struggles (docs/daemon.md, docs/motion.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "calmon/wire.pb.h"
#include "core/motion_correction.h"

namespace calmon::daemon {

class MotionTally {
 public:
  void start_session() { *this = MotionTally(); }

  void add(const FrameMotion& motion) {
    if (motion.failed == RegistrationFailure::kNone) {
      ++registered_;
    } else {
      ++failed_;
    }
    current_.max_abs_dy = std::max(current_.max_abs_dy, std::abs(motion.dy));
    current_.max_abs_dx = std::max(current_.max_abs_dx, std::abs(motion.dx));
    current_.min_peak = std::min(current_.min_peak, motion.peak);
    current_.frames = true;
  }

  void complete_interval() {
    last_ = current_;
    current_ = Interval();
  }

  void fill(const MotionCorrection& motion, bool awaits_reference, pb::MotionStatus& status) const {
    status.set_reference_ready(motion.has_reference());
    status.set_reference_frames(static_cast<std::uint32_t>(awaits_reference ? motion.reference_frames_wanted()
                                                                            : motion.reference_frames_used()));
    status.set_frames_registered(registered_);
    status.set_frames_failed(failed_);
    if (last_.frames) {
      status.set_max_abs_dy(last_.max_abs_dy);
      status.set_max_abs_dx(last_.max_abs_dx);
      status.set_min_peak(last_.min_peak);
    }
  }

 private:
  struct Interval {
    double max_abs_dy = 0.0;
    double max_abs_dx = 0.0;
    double min_peak = std::numeric_limits<double>::infinity();
    bool frames = false;
  };
  std::uint64_t registered_ = 0;
  std::uint64_t failed_ = 0;
  Interval current_;
  Interval last_;
};

}  // namespace calmon::daemon
