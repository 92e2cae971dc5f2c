// motion_correction.h — every frame moved back onto a reference image before the
// projections and the ROIs see it (docs/motion.md).
//
// One per session, for one frame shape. The reference is given (MotionSettings::reference,
// e.g. yesterday's mean image) or built from the session's first frames, which the driver
// keeps and hands to build_reference once it has MotionSettings::reference_frames of them
// (or the stream ended sooner):
//   1. seed: the frames' pairwise correlations (Pearson r, on copies binned to at most
//      ~16,000 pixels — enough to tell which frames look alike); the frame whose k best
//      correlations (k = min(20, n − 1)) have the highest mean is the seed, and the mean of
//      it and those k frames is the first reference: frames taken where the brain sat
//      most of the time.
//   2. refinement, reference_iterations times: every frame is registered onto the
//      reference; the better half by peak correlation (lowest index first on ties) is
//      shifted back and averaged per pixel over the frames where that pixel is valid (a
//      pixel valid in none keeps its previous value).
// Then each frame, in order: its rigid shift (RigidRegistration), applied by shift_frame
// — exact pixel values for integer shifts, bilinear otherwise, NaN where the pixel came
// from outside the frame. With piecewise options, the blocks are then registered around
// that shift (PiecewiseRegistration) and the frame is warped by their interpolated
// per-pixel field instead (warp_frame: the same arithmetic, one interpolation). A frame whose registration fails
// (non-finite or flat frame, low peak, peak at the maximum shift, no reference because none could be built) is used
// unshifted and reported with the reason.
// With template_update a > 0 the reference then follows the registered frames slowly:
// reference ← (1 − a)·reference + a·frame over the frame's valid pixels (successful
// frames only). Everything is deterministic in frame order, so calmond and calmon-analyze
// compute the same bits.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/frame_view.h"
#include "core/image.h"
#include "core/motion_settings.h"
#include "core/rigid_registration.h"

namespace calmon {

// What was done to one frame.
struct FrameMotion {
  double dy = 0.0;  // px, the shift applied (out(y, x) = frame(y − dy, x − dx)); 0 when failed
  double dx = 0.0;
  double peak = 0.0;  // the registration's normalized peak correlation
  RegistrationFailure failed = RegistrationFailure::kNone;
  // Piecewise-rigid: the blocks' total shifts, row-major (block_rows x block_cols), valid
  // until the next correct(); empty when rigid only or when the frame failed (then it
  // was used unshifted).
  std::span<const BlockShift> blocks;
  int block_rows = 0;  // piecewise-rigid: the block grid (also when the frame failed)
  int block_cols = 0;
};

class MotionCorrection {
 public:
  // Error (one line) for settings out of range for `shape`, or a given reference of
  // another size, non-finite or flat.
  MotionCorrection(const MotionSettings& settings, FrameShape shape);
  ~MotionCorrection();
  MotionCorrection(const MotionCorrection&) = delete;
  MotionCorrection& operator=(const MotionCorrection&) = delete;

  FrameShape shape() const { return shape_; }
  const MotionSettings& settings() const { return settings_; }
  bool has_reference() const { return registration_.has_value(); }
  // How many first frames build_reference wants (0 when the reference was given).
  std::size_t reference_frames_wanted() const;

  // Builds the reference from the session's first frames (the first
  // reference_frames_wanted() of `frames` are used; fewer when the stream was shorter).
  // Error if there are none, one is not of shape(), or the result is flat or non-finite
  // (the frames were).
  void build_reference(std::span<const AnyFrameView> frames);

  // Registers `frame` (shape() pixels) onto the reference and writes it, moved back, to
  // `out` (shape().pixel_count() floats). Without a reference (build_reference failed)
  // the frame is written unshifted and reported as kNoReference.
  FrameMotion correct(AnyFrameView frame, std::span<float> out);

  // The reference image (as the registration sees it now); empty before it exists.
  const Image& reference() const { return reference_; }
  // The frames build_reference used; 0 when the reference was given.
  std::size_t reference_frames_used() const { return reference_frames_used_; }
  // Piecewise-rigid: the blocks per column and per row (0 when rigid only), as
  // FrameMotion::blocks holds them.
  int block_rows() const { return block_rows_; }
  int block_cols() const { return block_cols_; }

 private:
  Image seed_reference(std::span<const AnyFrameView> frames) const;
  void refine_reference(std::span<const AnyFrameView> frames);
  void follow_template(std::span<const float> registered);
  void set_registrations();                                            // onto reference_
  FrameMotion unmoved(RegistrationFailure failed, double peak) const;  // no shift, this grid

  MotionSettings settings_;
  FrameShape shape_;
  Image reference_;
  std::size_t reference_frames_used_ = 0;
  std::optional<RigidRegistration> registration_;
  std::optional<PiecewiseRegistration> piecewise_;
  int block_rows_ = 0;
  int block_cols_ = 0;
  std::vector<float> field_dy_, field_dx_;  // piecewise: the per-pixel displacement
};

// The number files and messages carry for a failure: 0 none, 1 non-finite frame, 2 flat
// frame, 3 low peak, 4 at max shift, 5 no reference (RegistrationFailure's order).
inline std::uint8_t failure_code(RegistrationFailure failure) { return static_cast<std::uint8_t>(failure); }

// The pixel type the Pipeline of a session sees: registered frames are float32.
inline PixelType analysed_pixel_type(const std::optional<MotionSettings>& motion, PixelType movie) {
  return motion ? PixelType::kF32 : movie;
}

}  // namespace calmon
