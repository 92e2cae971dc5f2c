// motion_files.h — what motion correction did to each frame, as .npy files that grow
// frame by frame (docs/output.md), beside the traces:
//   motion.npy         (frames, 2) float64  dy, dx: the shift applied (the same
//                                           convention as calmon-synth's truth/motion.npy)
//   motion_peak.npy    (frames,) float64    the registration's peak correlation
//   motion_failed.npy  (frames,) uint8      0 registered; why not: 1 non-finite frame,
//                                           2 flat frame, 3 low peak, 4 at max shift,
//                                           5 no reference (it could not be built):
//                                           failure_code (motion_correction.h)
// Like the trace files, each is a valid array after every flush. calmon-record writes the
// same files from the wire (FrameMotion), a frame it never received as NaN, NaN and 255.
#pragma once

#include <cstdint>
#include <string>

#include "core/motion_correction.h"
#include "io/npy_writer.h"

namespace calmon::io {

class MotionFiles {
 public:
  // Creates the files in `directory` (which must exist).
  explicit MotionFiles(const std::string& directory);

  void append(const FrameMotion& motion);
  // One row as numbers: `failed` is the code written to motion_failed.npy.
  void append(double dy, double dx, double peak, std::uint8_t failed);
  void flush();
  std::size_t rows() const { return peak_.rows(); }

 private:
  NpyAppender<double> shift_;
  NpyAppender<double> peak_;
  NpyAppender<std::uint8_t> failed_;
};

}  // namespace calmon::io
