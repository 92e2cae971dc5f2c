// motion_files.h — what motion correction did to each frame, as .npy files that grow
// frame by frame (docs/output.md), beside the traces:
//   motion.npy         (frames, 2) float64  dy, dx: the shift applied (the same
//                                           convention as calmon-synth's truth/motion.npy)
//   motion_peak.npy    (frames,) float64    the registration's peak correlation
//   motion_failed.npy  (frames,) uint8      0 registered; why not: 1 non-finite frame,
//                                           2 flat frame, 3 low peak, 4 at max shift,
//                                           5 no reference (it could not be built):
//                                           failure_code (motion_correction.h)
//   motion_blocks.npy  (frames, rows, cols, 2) float64  piecewise-rigid only: each block's
//                                           total shift (dy, dx); NaN for a frame used unshifted
// Like the trace files, each is a valid array after every flush. calmon-record writes the
// same files from the wire (FrameMotion), a frame it never received as NaN, NaN and 255.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/motion_correction.h"
#include "io/npy_writer.h"

namespace calmon::io {

class MotionFiles {
 public:
  // Creates the files in `directory` (which must exist); motion_blocks.npy too when
  // there are blocks (piecewise-rigid: block_rows x block_cols).
  explicit MotionFiles(const std::string& directory, int block_rows = 0, int block_cols = 0);

  void append(const FrameMotion& motion);
  // One row as numbers: `failed` is the code written to motion_failed.npy; the blocks'
  // shifts row-major (block_rows x block_cols each), or empty for a row of NaN.
  void append(double dy, double dx, double peak, std::uint8_t failed, std::span<const double> block_dy = {},
              std::span<const double> block_dx = {});
  void flush();
  std::size_t rows() const { return peak_.rows(); }

 private:
  NpyAppender<double> shift_;
  NpyAppender<double> peak_;
  NpyAppender<std::uint8_t> failed_;
  std::optional<NpyAppender<double>> blocks_;
  std::vector<double> block_row_;            // (rows, cols, 2) of one frame
  std::vector<double> block_dy_, block_dx_;  // append(FrameMotion)'s scratch
};

}  // namespace calmon::io
