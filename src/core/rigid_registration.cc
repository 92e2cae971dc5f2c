// rigid_registration.cc — phase correlation, integer peak within ±max_shift, then the
// correlation evaluated on a fine grid around it by two small matrix products
// (rigid_registration.h for the method and its conventions).
#include "core/rigid_registration.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <type_traits>

#include "core/error.h"

namespace calmon {
namespace {

constexpr int kMaxUpsampleFactor = 100;

std::string size_text(FrameShape shape) { return std::to_string(shape.width) + "x" + std::to_string(shape.height); }

// numpy's fftfreq(n) times n: 0, 1, ..., then the negative frequencies.
int signed_frequency(int k, int n) { return k <= (n - 1) / 2 ? k : k - n; }

// The cosine edge weight of index i of n with a taper of t pixels (1 inside).
double taper_weight(int i, int n, int t) {
  const int from_edge = std::min(i, n - 1 - i);
  if (from_edge >= t) return 1.0;
  return 0.5 * (1.0 - std::cos(std::numbers::pi * (from_edge + 0.5) / t));
}

// Sum over numpy's full frequency range of exp(−2π²σ²(f/n)²), the Gaussian's spectrum.
double gaussian_spectrum(int f, int n, double sigma) {
  const double nu = static_cast<double>(f) / n;
  return std::exp(-2.0 * std::numbers::pi * std::numbers::pi * sigma * sigma * nu * nu);
}

double gaussian_spectrum_sum(int n, double sigma) {
  double sum = 0.0;
  for (int k = 0; k < n; ++k) sum += gaussian_spectrum(signed_frequency(k, n), n, sigma);
  return sum;
}

void check_options(FrameShape shape, const RigidRegistrationOptions& options) {
  const int side = std::min(shape.width, shape.height);
  const std::string frame = "the " + size_text(shape) + " frame";
  if (options.max_shift < 1 || 2 * options.max_shift >= side) {
    throw Error("rigid registration: max_shift " + std::to_string(options.max_shift) +
                " px must be at least 1 and less than half of " + frame + " (" + std::to_string((side + 1) / 2) +
                " px)");
  }
  if (options.upsample_factor < 1 || options.upsample_factor > kMaxUpsampleFactor) {
    throw Error("rigid registration: upsample_factor " + std::to_string(options.upsample_factor) +
                " must be from 1 to " + std::to_string(kMaxUpsampleFactor));
  }
  if (options.taper_width < 0 || 2 * options.taper_width > side) {
    throw Error("rigid registration: taper_width " + std::to_string(options.taper_width) +
                " px must be from 0 to half of " + frame);
  }
  if (!std::isfinite(options.smooth_sigma) || options.smooth_sigma < 0.0) {
    throw Error("rigid registration: smooth_sigma " + std::to_string(options.smooth_sigma) +
                " px must be finite and not negative");
  }
  if (!(options.min_peak >= 0.0 && options.min_peak <= 1.0)) {
    throw Error("rigid registration: min_peak " + std::to_string(options.min_peak) + " must be from 0 to 1");
  }
}

// out += k·in over n complex values held as separate real and imaginary rows: the inner
// loop of the refinement, built for AVX2 and for baseline x86-64 and chosen at load time
// (no fused multiply-add: the same rounding either way).
[[gnu::target_clones("avx2", "default")]] void add_scaled_row(float kr, float ki, const float* in_re,
                                                              const float* in_im, float* out_re, float* out_im, int n) {
  for (int k = 0; k < n; ++k) {
    out_re[k] += kr * in_re[k] - ki * in_im[k];
    out_im[k] += kr * in_im[k] + ki * in_re[k];
  }
}

// The frame's mean, and whether it is finite and has two different values.
struct PixelSummary {
  bool finite = true;
  bool flat = true;
  double mean = 0.0;
};

template <class T> PixelSummary summarize(const T* pixels, std::size_t count) {
  PixelSummary summary;
  T low = pixels[0], high = pixels[0];
  if constexpr (std::is_integral_v<T>) {
    std::int64_t sum = 0;  // exact: at most 2^32 pixels of 32 bits
    for (std::size_t i = 0; i < count; ++i) {
      sum += pixels[i];
      low = std::min(low, pixels[i]);
      high = std::max(high, pixels[i]);
    }
    summary.mean = static_cast<double>(sum) / static_cast<double>(count);
  } else {
    double sum = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
      sum += pixels[i];
      low = std::min(low, pixels[i]);
      high = std::max(high, pixels[i]);
    }
    // A NaN or infinity makes the sum non-finite (and min/max cannot be trusted).
    summary.finite = std::isfinite(sum);
    summary.mean = sum / static_cast<double>(count);
  }
  summary.flat = low == high;
  return summary;
}

}  // namespace

void check_registration_options(FrameShape shape, const RigidRegistrationOptions& options) {
  check_options(shape, options);
}

std::string_view registration_failure_name(RegistrationFailure failure) {
  switch (failure) {
    case RegistrationFailure::kNone: return "none";
    case RegistrationFailure::kNonFiniteFrame: return "non-finite frame";
    case RegistrationFailure::kFlatFrame: return "flat frame";
    case RegistrationFailure::kLowPeak: return "low peak";
    case RegistrationFailure::kAtMaxShift: return "at max shift";
    case RegistrationFailure::kNoReference: return "no reference";
  }
  return "unknown";
}

RigidRegistration::RigidRegistration(FrameShape shape, const RigidRegistrationOptions& options, AnyFrameView reference)
    : shape_(shape), options_((check_options(shape, options), options)), fft_(shape) {
  const int height = shape.height;
  const int width = shape.width;
  const int spectrum_width = fft_.spectrum_width();
  taper_.resize(shape.pixel_count());
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      taper_[static_cast<std::size_t>(y) * width + x] = static_cast<float>(
          taper_weight(y, height, options.taper_width) * taper_weight(x, width, options.taper_width));
    }
  }
  correlation_norm_ = static_cast<float>(shape.pixel_count());
  spectrum_weight_.assign(fft_.spectrum_size(), 1.0f);
  if (options.smooth_sigma > 0.0) {
    for (int ky = 0; ky < height; ++ky) {
      const double gy = gaussian_spectrum(signed_frequency(ky, height), height, options.smooth_sigma);
      for (int kx = 0; kx < spectrum_width; ++kx) {
        spectrum_weight_[static_cast<std::size_t>(ky) * spectrum_width + kx] =
            static_cast<float>(gy * gaussian_spectrum(kx, width, options.smooth_sigma));
      }
    }
    correlation_norm_ = static_cast<float>(gaussian_spectrum_sum(height, options.smooth_sigma) *
                                           gaussian_spectrum_sum(width, options.smooth_sigma));
  }
  reference_spectrum_.resize(fft_.spectrum_size());
  cross_re_.resize(fft_.spectrum_size());
  cross_im_.resize(fft_.spectrum_size());

  // The refinement grid's phases, relative to the integer peak: point j of R is at
  // peak + (j − c)/upsample_factor px, c = floor(R/2).
  const int factor = options.upsample_factor;
  grid_ = factor == 1 ? 1 : static_cast<int>(std::ceil(1.5 * factor));
  const int centre = grid_ / 2;
  const double two_pi = 2.0 * std::numbers::pi;
  y_grid_phase_.resize(static_cast<std::size_t>(grid_) * height);
  x_grid_phase_.resize(static_cast<std::size_t>(grid_) * spectrum_width);
  for (int j = 0; j < grid_; ++j) {
    const double offset = static_cast<double>(j - centre) / factor;
    for (int ky = 0; ky < height; ++ky) {
      y_grid_phase_[static_cast<std::size_t>(j) * height + ky] =
          std::polar(1.0, two_pi * signed_frequency(ky, height) * offset / height);
    }
    for (int kx = 0; kx < spectrum_width; ++kx) {
      x_grid_phase_[static_cast<std::size_t>(j) * spectrum_width + kx] =
          std::polar(1.0, two_pi * signed_frequency(kx, width) * offset / width);
    }
  }
  y_kernel_re_.resize(y_grid_phase_.size());
  y_kernel_im_.resize(y_grid_phase_.size());
  x_kernel_re_.resize(x_grid_phase_.size());
  x_kernel_im_.resize(x_grid_phase_.size());
  partial_re_.resize(x_grid_phase_.size());
  partial_im_.resize(x_grid_phase_.size());
  nyquist_share_.resize(grid_);

  set_reference(reference);
}

void RigidRegistration::set_reference(AnyFrameView reference) {
  if (!(reference.shape() == shape_)) {
    throw Error("rigid registration: the reference image is " + size_text(reference.shape()) + ", not " +
                size_text(shape_));
  }
  switch (taper_into_fft_image(reference)) {
    case TaperOutcome::kNonFinite: throw Error("rigid registration: the reference image has a non-finite pixel");
    case TaperOutcome::kFlat: throw Error("rigid registration: the reference image is flat (all pixels equal)");
    case TaperOutcome::kTapered: break;
  }
  fft_.forward();
  std::copy(fft_.spectrum(), fft_.spectrum() + fft_.spectrum_size(), reference_spectrum_.begin());
}

RigidRegistration::TaperOutcome RigidRegistration::taper_into_fft_image(AnyFrameView frame) {
  return frame.visit([&](auto view) {
    const PixelSummary summary = summarize(view.data(), view.pixel_count());
    if (!summary.finite) return TaperOutcome::kNonFinite;
    if (summary.flat) return TaperOutcome::kFlat;
    const auto* pixels = view.data();
    float* image = fft_.image();
    // In float (exact for pixels of up to 24 bits); float64 pixels in double, so a large
    // offset does not swallow their variation before the mean is taken away.
    using Arithmetic = std::conditional_t<std::is_same_v<typename decltype(view)::Pixel, double>, double, float>;
    const auto mean = static_cast<Arithmetic>(summary.mean);
    for (std::size_t i = 0; i < view.pixel_count(); ++i) {
      image[i] = static_cast<float>((static_cast<Arithmetic>(pixels[i]) - mean) * taper_[i]);
    }
    return TaperOutcome::kTapered;
  });
}

RegistrationResult RigidRegistration::register_frame(AnyFrameView frame) {
  if (!(frame.shape() == shape_)) {
    throw Error("rigid registration: the frame is " + size_text(frame.shape()) + ", not the reference's " +
                size_text(shape_));
  }
  RegistrationResult result;
  switch (taper_into_fft_image(frame)) {
    case TaperOutcome::kNonFinite: result.failed = RegistrationFailure::kNonFiniteFrame; return result;
    case TaperOutcome::kFlat: result.failed = RegistrationFailure::kFlatFrame; return result;
    case TaperOutcome::kTapered: break;
  }
  fft_.forward();
  whiten_cross_power();
  const Peak peak = integer_peak();
  result.dy = peak.dy;
  result.dx = peak.dx;
  result.peak = peak.value / correlation_norm_;
  if (options_.upsample_factor > 1) refine(peak, result);
  if (std::abs(peak.dy) == options_.max_shift || std::abs(peak.dx) == options_.max_shift) {
    result.failed = RegistrationFailure::kAtMaxShift;
  } else if (!(result.peak >= options_.min_peak)) {
    result.failed = RegistrationFailure::kLowPeak;
  }
  return result;
}

// cross = R·conj(F) / max(|R·conj(F)|, ε), times the smoothing; copied to the FFT's
// spectrum for the inverse (which overwrites its input).
void RigidRegistration::whiten_cross_power() {
  const std::size_t count = fft_.spectrum_size();
  std::complex<float>* spectrum = fft_.spectrum();
  for (std::size_t i = 0; i < count; ++i) {
    const float rr = reference_spectrum_[i].real(), ri = reference_spectrum_[i].imag();
    const float fr = spectrum[i].real(), fi = spectrum[i].imag();
    const float re = rr * fr + ri * fi;
    const float im = ri * fr - rr * fi;
    const float scale = spectrum_weight_[i] / std::max(std::sqrt(re * re + im * im), kWhiteningEpsilon);
    cross_re_[i] = re * scale;
    cross_im_[i] = im * scale;
    spectrum[i] = {cross_re_[i], cross_im_[i]};
  }
}

// The correlation image's maximum over shifts within ±max_shift (first one on ties).
RigidRegistration::Peak RigidRegistration::integer_peak() {
  fft_.inverse();
  const float* correlation = fft_.image();
  const int height = shape_.height, width = shape_.width, limit = options_.max_shift;
  Peak best{0, 0, -std::numeric_limits<float>::infinity()};
  for (int dy = -limit; dy <= limit; ++dy) {
    const float* row = correlation + static_cast<std::size_t>((dy + height) % height) * width;
    for (int dx = -limit; dx <= limit; ++dx) {
      const float value = row[(dx + width) % width];
      if (value > best.value) best = {dy, dx, value};
    }
  }
  return best;
}

// The grid's kernels for this peak: the precomputed phases times e^{2πi f·peak/n}.
void RigidRegistration::fill_refinement_kernels(const Peak& peak) {
  const int height = shape_.height, width = shape_.width, spectrum_width = fft_.spectrum_width();
  const double two_pi = 2.0 * std::numbers::pi;
  for (int ky = 0; ky < height; ++ky) {
    // f·dy mod n keeps the angle small, so the phase is exact to double rounding.
    const long turn = (static_cast<long>(signed_frequency(ky, height)) * peak.dy) % height;
    const std::complex<double> phase = std::polar(1.0, two_pi * static_cast<double>(turn) / height);
    for (int j = 0; j < grid_; ++j) {
      const std::size_t i = static_cast<std::size_t>(j) * height + ky;
      const std::complex<double> k = y_grid_phase_[i] * phase;
      y_kernel_re_[i] = static_cast<float>(k.real());
      y_kernel_im_[i] = static_cast<float>(k.imag());
    }
  }
  for (int kx = 0; kx < spectrum_width; ++kx) {
    const long turn = (static_cast<long>(signed_frequency(kx, width)) * peak.dx) % width;
    const std::complex<double> phase = std::polar(1.0, two_pi * static_cast<double>(turn) / width);
    for (int j = 0; j < grid_; ++j) {
      const std::size_t i = static_cast<std::size_t>(j) * spectrum_width + kx;
      const std::complex<double> k = x_grid_phase_[i] * phase;
      x_kernel_re_[i] = static_cast<float>(k.real());
      x_kernel_im_[i] = static_cast<float>(k.imag());
    }
  }
}

// The correlation on the grid, as scikit-image's upsampled DFT computes it over numpy's
// full spectrum, here from the half one: column −k is the conjugate of column k with the
// rows mirrored, so with U the sum along y of the stored columns (R x height x spectrum
// width products), C = Σ_k U·Kx + conj(Σ_{0<k<n/2} U'·Kx), U' being U with the Nyquist
// row (even heights) taken at +height/2 instead of −height/2. Its magnitude is maximized.
void RigidRegistration::refine(const Peak& peak, RegistrationResult& result) {
  fill_refinement_kernels(peak);
  sum_columns_along_y();
  const int width = shape_.width, spectrum_width = fft_.spectrum_width();
  const int last_mirrored = (width - 1) / 2;  // columns 1..last_mirrored have a mirror
  for (int i = 0; i < grid_; ++i) {
    nyquist_share_[i] = nyquist_dot(static_cast<std::size_t>(i) * spectrum_width, last_mirrored + 1);
  }
  double best = -1.0;
  int best_j = grid_ / 2, best_i = grid_ / 2;
  for (int j = 0; j < grid_; ++j) {
    const std::size_t row = static_cast<std::size_t>(j) * spectrum_width;
    // U' − U = P[height/2, k]·(e^{iπy} − e^{−iπy}) = P[height/2, k]·2i·sin(πy).
    const double y = peak.dy + static_cast<double>(j - grid_ / 2) / options_.upsample_factor;
    const std::complex<double> nyquist_change =
        shape_.height % 2 == 0 ? std::complex<double>(0.0, 2.0 * std::sin(std::numbers::pi * y)) : 0.0;
    for (int i = 0; i < grid_; ++i) {
      const std::size_t kernel = static_cast<std::size_t>(i) * spectrum_width;
      const std::complex<double> mirrored = dot(row, kernel, 1, last_mirrored + 1);
      std::complex<double> direct = mirrored + dot(row, kernel, 0, 1);
      if (last_mirrored + 1 < spectrum_width) direct += dot(row, kernel, last_mirrored + 1, spectrum_width);
      const std::complex<double> change = nyquist_change * nyquist_share_[i];
      const double magnitude = std::abs(direct + std::conj(mirrored + change));
      if (magnitude > best) {
        best = magnitude;
        best_j = j;
        best_i = i;
      }
    }
  }
  const int centre = grid_ / 2;
  result.dy = peak.dy + static_cast<double>(best_j - centre) / options_.upsample_factor;
  result.dx = peak.dx + static_cast<double>(best_i - centre) / options_.upsample_factor;
  result.peak = best / correlation_norm_;
}

// U(j, k) = Σ_ky Ky(j, ky)·cross(ky, k), and the Nyquist row alone for the mirror's change.
void RigidRegistration::sum_columns_along_y() {
  const int height = shape_.height, spectrum_width = fft_.spectrum_width();
  std::fill(partial_re_.begin(), partial_re_.end(), 0.0f);
  std::fill(partial_im_.begin(), partial_im_.end(), 0.0f);
  // Row by row of the spectrum, so each row is read once and the R partial rows it adds
  // to stay in the cache.
  for (int ky = 0; ky < height; ++ky) {
    const float* in_re = cross_re_.data() + static_cast<std::size_t>(ky) * spectrum_width;
    const float* in_im = cross_im_.data() + static_cast<std::size_t>(ky) * spectrum_width;
    for (int j = 0; j < grid_; ++j) {
      const float kr = y_kernel_re_[static_cast<std::size_t>(j) * height + ky];
      const float ki = y_kernel_im_[static_cast<std::size_t>(j) * height + ky];
      float* out_re = partial_re_.data() + static_cast<std::size_t>(j) * spectrum_width;
      float* out_im = partial_im_.data() + static_cast<std::size_t>(j) * spectrum_width;
      add_scaled_row(kr, ki, in_re, in_im, out_re, out_im, spectrum_width);
    }
  }
}

// Σ_{k in [from, to)} U(row)·Kx(kernel).
std::complex<double> RigidRegistration::dot(std::size_t row, std::size_t kernel, int from, int to) const {
  double re = 0.0, im = 0.0;
  for (int k = from; k < to; ++k) {
    const double ur = partial_re_[row + k], ui = partial_im_[row + k];
    const double xr = x_kernel_re_[kernel + k], xi = x_kernel_im_[kernel + k];
    re += ur * xr - ui * xi;
    im += ur * xi + ui * xr;
  }
  return {re, im};
}

// Σ_{0<k<to} cross(height/2, k)·Kx(kernel, k): the Nyquist row's share of the mirror.
std::complex<double> RigidRegistration::nyquist_dot(std::size_t kernel, int to) const {
  if (shape_.height % 2 != 0) return 0.0;
  const std::size_t row = static_cast<std::size_t>(shape_.height / 2) * fft_.spectrum_width();
  double re = 0.0, im = 0.0;
  for (int k = 1; k < to; ++k) {
    const double pr = cross_re_[row + k], pi = cross_im_[row + k];
    const double xr = x_kernel_re_[kernel + k], xi = x_kernel_im_[kernel + k];
    re += pr * xr - pi * xi;
    im += pr * xi + pi * xr;
  }
  return {re, im};
}

}  // namespace calmon
