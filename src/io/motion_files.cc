// motion_files.cc — one row per frame into motion.npy, motion_peak.npy, motion_failed.npy.
#include "io/motion_files.h"

#include <array>

namespace calmon::io {

MotionFiles::MotionFiles(const std::string& directory)
    : shift_(directory + "/motion.npy", {2}),
      peak_(directory + "/motion_peak.npy"),
      failed_(directory + "/motion_failed.npy") {}

void MotionFiles::append(const FrameMotion& motion) {
  append(motion.dy, motion.dx, motion.peak, failure_code(motion.failed));
}

void MotionFiles::append(double dy, double dx, double peak, std::uint8_t failed) {
  const std::array<double, 2> shift{dy, dx};
  shift_.append(shift);
  peak_.append(std::span<const double>(&peak, 1));
  failed_.append(std::span<const std::uint8_t>(&failed, 1));
}

void MotionFiles::flush() {
  shift_.flush();
  peak_.flush();
  failed_.flush();
}

}  // namespace calmon::io
