// piecewise_registration.h — piecewise-rigid (non-rigid) registration: the frame cut
// into overlapping square blocks, each registered onto the same block of the reference
// around the whole frame's rigid shift, and the block shifts interpolated to a smooth
// per-pixel displacement field (docs/motion.md, "Piecewise-rigid registration"; the
// method of NoRMCorre, Pnevmatikakis & Giovannucci 2017, and Suite2p's non-rigid step).
//
// Blocks: block_size px a side, as many per axis as it takes for neighbours to share at
// least block_overlap px, spread evenly from one edge of the frame to the other (the
// first starts at 0, the last ends at the edge; origins rounded to whole pixels).
// Per frame, given the rigid shift (dy, dx) found for the whole frame:
//   1. each block of the frame is read at its place moved by the rigid shift rounded to
//      whole pixels (rows and columns beyond the frame repeat its edge), and registered
//      onto the reference's block by a RigidRegistration of its own (phase correlation
//      and subpixel refinement, rigid_registration.h), searching ±(⌈max_deviation⌉ + 1)
//      px; the block's total shift is that rounded rigid shift plus what it found;
//   2. a block is weak when its registration failed (non-finite or flat block, a peak
//      below min_block_peak, a peak at the edge of the search), when its total shift
//      differs from the rigid shift by more than max_deviation along y or x, or when its
//      piece of the reference is flat; a weak block takes the mean shift of the strong
//      blocks among its 8 neighbours, or the rigid shift when none is strong
//      (BlockShift::fallback);
//   3. displacement(): the shifts bilinearly interpolated between the block centres
//      ((block_size − 1)/2 px from each block's origin), and beyond the outermost centres
//      equal to the nearest edge's values (clamped).
// Sign: out(y, x) = frame(y − dy(y, x), x − dx(y, x)) registers the frame
// (warp_frame.h), as RigidRegistration's (dy, dx) with shift_frame.
//
// Made once per geometry: one RigidRegistration (FFTW plans) per block; register_frame
// and displacement allocate nothing.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/frame_view.h"
#include "core/rect.h"
#include "core/rigid_registration.h"

namespace calmon {

struct PiecewiseOptions {
  int block_size = 128;          // px, square blocks; at most the frame's smaller side
  int block_overlap = 32;        // px shared at least by neighbouring blocks; 0 <= overlap < block_size
  double max_deviation = 5.0;    // px a block's shift may differ from the rigid shift; < block_size / 2
  double min_block_peak = 0.05;  // a block whose normalized peak is lower is weak (0 to 1)
};

struct BlockShift {
  double dy = 0.0;  // px, the block's total shift (rigid + its own)
  double dx = 0.0;
  double peak = 0.0;      // its normalized correlation peak (0 when it could not be registered)
  bool fallback = false;  // weak: dy, dx come from its neighbours or the rigid shift
  RegistrationFailure failed = RegistrationFailure::kNone;  // its own registration's verdict
};

// Error (one line) for options that make no sense for frames of `shape`: what the
// constructor checks before it looks at the reference.
void check_piecewise_options(FrameShape shape, const RigidRegistrationOptions& rigid, const PiecewiseOptions& options);

// How many blocks frames of `shape` are cut into: width = blocks per row (block_cols()),
// height = blocks per column (block_rows()). Options as check_piecewise_options accepts.
FrameShape piecewise_block_grid(FrameShape shape, const PiecewiseOptions& options);

class PiecewiseRegistration {
 public:
  // Error (one line) for a block larger than the frame, an overlap < 0 or >= the block,
  // max_deviation < 0 or >= half a block, min_block_peak outside 0..1, a rigid option out
  // of range for a block, or a reference not of `shape`, non-finite or flat.
  PiecewiseRegistration(FrameShape shape, const RigidRegistrationOptions& rigid, const PiecewiseOptions& options,
                        AnyFrameView reference);
  ~PiecewiseRegistration();
  PiecewiseRegistration(const PiecewiseRegistration&) = delete;
  PiecewiseRegistration& operator=(const PiecewiseRegistration&) = delete;

  FrameShape shape() const { return shape_; }
  const PiecewiseOptions& options() const { return options_; }
  // The options each block's RigidRegistration runs with (max_shift and taper_width set
  // for the block, the rest the caller's).
  const RigidRegistrationOptions& block_options() const { return block_options_; }

  // Replaces the reference (same checks as the constructor); no allocation.
  void set_reference(AnyFrameView reference);

  int block_rows() const { return static_cast<int>(origin_y_.size()); }
  int block_cols() const { return static_cast<int>(origin_x_.size()); }
  // The block at (row, col), in frame pixels.
  Rect block(int row, int col) const;

  // Registers `frame` block by block around the rigid shift (rigid_dy, rigid_dx) found for
  // the whole frame; the result holds block_rows() x block_cols() shifts, row-major, and
  // stays valid until the next call. Error for a frame not of shape() or a non-finite
  // rigid shift.
  const std::vector<BlockShift>& register_frame(AnyFrameView frame, double rigid_dy, double rigid_dx);
  const std::vector<BlockShift>& block_shifts() const { return shifts_; }

  // The per-pixel displacement interpolated from the last register_frame's block shifts
  // (all zero before the first): dy and dx row-major, pixel_count() values each.
  void displacement(std::span<float> dy, std::span<float> dx) const;

 private:
  // Where a pixel row (or column) lies between two block centres: value = (1 − w)·a + w·b.
  struct Blend {
    int a = 0;
    int b = 0;
    float w = 0.0f;
  };
  void copy_block(AnyFrameView frame, int y0, int x0);
  void fill_from_neighbours(double rigid_dy, double rigid_dx);

  FrameShape shape_;
  PiecewiseOptions options_;
  RigidRegistrationOptions block_options_;
  std::vector<int> origin_y_, origin_x_;
  std::vector<std::unique_ptr<RigidRegistration>> blocks_;  // row-major
  std::vector<bool> reference_flat_;                        // per block: always weak
  std::vector<double> block_pixels_;                        // one block of any pixel type (8 bytes each)
  std::vector<BlockShift> shifts_;
  std::vector<bool> strong_;
  // A run of pixel columns between the same two block columns (a == b beyond the outermost).
  struct Segment {
    int begin = 0, end = 0;  // pixel columns [begin, end)
    int a = 0, b = 0;
  };
  std::vector<Blend> row_blend_;                // per pixel row: between block rows
  std::vector<Segment> segments_;               // the pixel columns, left to right
  std::vector<float> column_weight_;            // per pixel column: the weight w of block column b
  mutable std::vector<float> row_dy_, row_dx_;  // one pixel row's values at each block column
};

}  // namespace calmon
