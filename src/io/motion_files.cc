// motion_files.cc — one row per frame into motion.npy, motion_peak.npy, motion_failed.npy.
#include "io/motion_files.h"

#include <array>

namespace calmon::io {

MotionFiles::MotionFiles(const std::string& directory)
    : shift_(directory + "/motion.npy", {2}),
      peak_(directory + "/motion_peak.npy"),
      failed_(directory + "/motion_failed.npy") {}

void MotionFiles::append(const FrameMotion& motion) {
  const std::array<double, 2> shift{motion.dy, motion.dx};
  shift_.append(shift);
  const double peak = motion.peak;
  peak_.append(std::span<const double>(&peak, 1));
  const std::uint8_t failed = failure_code(motion.failed);
  failed_.append(std::span<const std::uint8_t>(&failed, 1));
}

void MotionFiles::flush() {
  shift_.flush();
  peak_.flush();
  failed_.flush();
}

}  // namespace calmon::io
