// rigid_registration.h — the translation that registers a frame onto a reference image,
// by phase correlation with subpixel refinement (docs/motion.md).
//
// Made once per geometry with the reference; every frame then costs two real FFTs and
// the refinement, with no allocation. Per frame:
//   1. taper: the frame's mean is subtracted and each pixel multiplied by a cosine
//      (Tukey) edge weight, w(i) = ½(1 − cos(π (i + ½) / T)) for the T = taper_width
//      pixels nearest each border and 1 inside, the product of the row and column
//      weights; the reference is tapered the same way once. It hides the borders' jump
//      (a shifted frame is not a periodic copy of the reference).
//   2. forward real FFTs; the cross-power spectrum R·conj(F), each value divided by its
//      magnitude (at least kWhiteningEpsilon): the phase correlation.
//   3. optionally multiplied by a Gaussian's spectrum: the correlation convolved with a
//      Gaussian of smooth_sigma px (Suite2p's smoothing; 0 = off).
//   4. inverse FFT: the correlation image; its maximum within ±max_shift px in y and x
//      is the integer shift.
//   5. subpixel refinement by the matrix-multiply DFT of Guizar-Sicairos et al. (as
//      scikit-image does): the correlation evaluated on a grid of step 1/upsample_factor
//      px, ceil(1.5·upsample_factor) points a side centred on the integer peak, directly
//      from the spectrum over numpy's full frequency range (the Nyquist terms of even
//      sizes at −n/2, as scikit-image), and the maximum of its magnitude taken.
// The peak is the correlation there divided by its value for a perfect circular shift:
// 1 for a frame that is the reference moved with wrap-around, near 0 for no match.
//
// Sign: {dy, dx} is the shift that, applied to the frame (out(y, x) = frame(y − dy,
// x − dx), as scipy.ndimage.shift(frame, (dy, dx)) and shift_frame do), registers it
// onto the reference — the value skimage.registration.phase_cross_correlation(reference,
// frame, normalization="phase") returns. A frame whose content moved 2 px down gives
// dy = −2.
#pragma once

#include <complex>
#include <string_view>
#include <vector>

#include "core/frame_view.h"
#include "core/real_fft_2d.h"

namespace calmon {

struct RigidRegistrationOptions {
  int max_shift = 20;         // px in y and in x; must be < half the frame's smaller side
  int upsample_factor = 10;   // subpixel step 1/upsample_factor px; 1 = integer shifts
  int taper_width = 8;        // px of cosine taper at each border; 0 = none
  double smooth_sigma = 0.0;  // px, Gaussian smoothing of the correlation; 0 = none
  double min_peak = 0.05;     // a lower normalized peak marks the frame failed
};

// kNoReference: motion correction had no reference to register onto (motion_correction.h).
enum class RegistrationFailure { kNone, kNonFiniteFrame, kFlatFrame, kLowPeak, kAtMaxShift, kNoReference };

// Error (one line) for options that make no sense for frames of `shape`: what the
// constructor checks before it looks at the reference.
void check_registration_options(FrameShape shape, const RigidRegistrationOptions& options);

// "none", "non-finite frame", "flat frame", "low peak", "at max shift", "no reference".
std::string_view registration_failure_name(RegistrationFailure failure);

struct RegistrationResult {
  double dy = 0.0;  // px; 0 when the frame is non-finite or flat
  double dx = 0.0;
  double peak = 0.0;  // normalized correlation at the shift found
  // Why the shift should not be trusted (it is still reported for kLowPeak and
  // kAtMaxShift, where the peak lies on the ±max_shift border of the search).
  RegistrationFailure failed = RegistrationFailure::kNone;
};

class RigidRegistration {
 public:
  // Error (one line) for a reference not of `shape`, non-finite or flat, or an option
  // out of range (max_shift ≥ half the frame, taper wider than half of it, ...).
  RigidRegistration(FrameShape shape, const RigidRegistrationOptions& options, AnyFrameView reference);

  FrameShape shape() const { return shape_; }
  const RigidRegistrationOptions& options() const { return options_; }

  // Replaces the reference (same shape and checks as the constructor); no allocation.
  void set_reference(AnyFrameView reference);
  // Error for a frame not of shape(); a non-finite or flat frame is a failed result.
  RegistrationResult register_frame(AnyFrameView frame);

  // The magnitude below which a cross-power value is divided by this instead (as
  // scikit-image's 100·float epsilon).
  static constexpr float kWhiteningEpsilon = 100.0f * 1.1920929e-7f;

 private:
  enum class TaperOutcome { kTapered, kNonFinite, kFlat };
  struct Peak {
    int dy = 0;
    int dx = 0;
    float value = 0.0f;
  };
  TaperOutcome taper_into_fft_image(AnyFrameView frame);
  void whiten_cross_power();
  Peak integer_peak();
  void refine(const Peak& peak, RegistrationResult& result);
  void fill_refinement_kernels(const Peak& peak);
  void sum_columns_along_y();

  FrameShape shape_;
  RigidRegistrationOptions options_;
  RealFft2d fft_;  // its inverse only near the origin: the rows within ±max_shift
  // The taper: the product of a row's and a column's weight. Inner rows (weight 1) use
  // the column weights; the taper_width rows at the top and bottom have their own.
  std::vector<float> column_taper_;                 // per column
  std::vector<float> border_taper_;                 // the top rows, then the bottom rows, per pixel
  std::vector<float> reference_re_, reference_im_;  // the reference's half spectrum (fft_'s layout)
  std::vector<float> spectrum_weight_;              // per half-spectrum value: the smoothing (empty: none)
  float correlation_norm_ = 1.0f;                   // the correlation of a perfect shift
  // The refinement's working rows: one frequency column's pairs q, −q as sum and
  // difference split into real and imaginary parts (4 x kernel_rows_), and the Nyquist
  // row of even heights (a value per frequency column).
  std::vector<float> pair_rows_;
  std::vector<float> nyquist_re_, nyquist_im_;
  // Refinement: R = ceil(1.5·upsample_factor) points a side, computed in lanes of
  // lanes_ ≥ R (the extra ones have zero kernels).
  int grid_ = 1;
  int lanes_ = 2;
  int kernel_rows_ = 1;  // frequencies 0..height/2, and more to a multiple of 8 past the last pair
  std::vector<double> y_grid_re_, y_grid_im_;        // R x kernel_rows_: e^{2πi f (j − c)/(uf·H)}
  std::vector<std::complex<double>> x_grid_phase_;   // R x spectrum width
  std::vector<std::complex<double>> y_turn_phase_;   // e^{2πi t/height} at t + height − 1, |t| < height
  std::vector<std::complex<double>> x_turn_phase_;   // e^{2πi t/width} at t + width − 1, |t| < width
  std::vector<double> y_peak_re_, y_peak_im_;        // kernel_rows_: e^{2πi f·dy/H} for this frame's peak
  std::vector<float> y_kernel_re_, y_kernel_im_;     // R x kernel_rows_: the grid phases times the peak's
  std::vector<double> x_kernel_re_, x_kernel_im_;    // spectrum width x lanes (transposed), the same
  std::vector<std::complex<double>> nyquist_share_;  // R: the Nyquist row's share of the mirror
  int partial_stride_ = 4;                           // the spectrum width rounded up to 4
  std::vector<float> partial_re_, partial_im_;       // R x partial_stride_
  std::vector<double> dots_;                         // 8 x lanes: the sums refine() combines
  std::vector<float> column_sums_;                   // 2 x R: one frequency column's U, real and imaginary
};

}  // namespace calmon
