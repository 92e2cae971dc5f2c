// motion_files.cc — one row per frame into motion.npy, motion_peak.npy, motion_failed.npy
// (and motion_blocks.npy).
#include "io/motion_files.h"

#include <array>
#include <limits>

namespace calmon::io {

MotionFiles::MotionFiles(const std::string& directory, int block_rows, int block_cols)
    : shift_(directory + "/motion.npy", {2}),
      peak_(directory + "/motion_peak.npy"),
      failed_(directory + "/motion_failed.npy") {
  if (block_rows > 0 && block_cols > 0) {
    const auto rows = static_cast<std::size_t>(block_rows);
    const auto cols = static_cast<std::size_t>(block_cols);
    blocks_.emplace(directory + "/motion_blocks.npy", std::vector<std::size_t>{rows, cols, 2});
    block_row_.resize(rows * cols * 2);
  }
}

void MotionFiles::append(const FrameMotion& motion) {
  block_dy_.clear();
  block_dx_.clear();
  for (const BlockShift& block : motion.blocks) {
    block_dy_.push_back(block.dy);
    block_dx_.push_back(block.dx);
  }
  append(motion.dy, motion.dx, motion.peak, failure_code(motion.failed), block_dy_, block_dx_);
}

void MotionFiles::append(double dy, double dx, double peak, std::uint8_t failed, std::span<const double> block_dy,
                         std::span<const double> block_dx) {
  const std::array<double, 2> shift{dy, dx};
  shift_.append(shift);
  peak_.append(std::span<const double>(&peak, 1));
  failed_.append(std::span<const std::uint8_t>(&failed, 1));
  if (!blocks_) return;
  const std::size_t blocks = block_row_.size() / 2;
  const bool known = block_dy.size() == blocks && block_dx.size() == blocks;
  for (std::size_t b = 0; b < blocks; ++b) {
    block_row_[2 * b] = known ? block_dy[b] : std::numeric_limits<double>::quiet_NaN();
    block_row_[2 * b + 1] = known ? block_dx[b] : std::numeric_limits<double>::quiet_NaN();
  }
  blocks_->append(block_row_);
}

void MotionFiles::flush() {
  shift_.flush();
  peak_.flush();
  failed_.flush();
  if (blocks_) blocks_->flush();
}

}  // namespace calmon::io
