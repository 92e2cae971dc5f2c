// motion_tally.h — the session's motion correction summed up for Status.motion.
//
// Counts the frames registered and the frames used unshifted since the session began,
// and over the last complete status interval the largest |dy| and |dx| applied and the
// lowest peak correlation (core/motion_extent.h): a glance tells whether the brain moves
// more than usual, or the registration struggles (docs/daemon.md, docs/motion.md).
#pragma once

#include <cstdint>

#include "calmon/wire.pb.h"
#include "core/motion_correction.h"
#include "core/motion_extent.h"

namespace calmon::daemon {

class MotionTally {
 public:
  void start_session() { *this = MotionTally(); }

  void add(const FrameMotion& motion) {
    session_.add(motion);
    current_.add(motion);
  }

  void complete_interval() {
    last_ = current_;
    current_ = MotionExtent();
  }

  void fill(const MotionCorrection& motion, bool awaits_reference, pb::MotionStatus& status) const {
    status.set_reference_ready(motion.has_reference());
    status.set_reference_frames(static_cast<std::uint32_t>(awaits_reference ? motion.reference_frames_wanted()
                                                                            : motion.reference_frames_used()));
    status.set_frames_registered(session_.registered);
    status.set_frames_failed(session_.unshifted);
    if (last_.frames() > 0) {
      status.set_max_abs_dy(last_.max_abs_dy);
      status.set_max_abs_dx(last_.max_abs_dx);
      status.set_min_peak(last_.min_peak);
    }
  }

 private:
  MotionExtent session_;
  MotionExtent current_;
  MotionExtent last_;
};

}  // namespace calmon::daemon
