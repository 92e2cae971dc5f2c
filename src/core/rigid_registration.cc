// rigid_registration.cc — phase correlation, integer peak within ±max_shift, then the
// correlation evaluated on a fine grid around it by two small matrix products
// (rigid_registration.h for the method and its conventions).
#include "core/rigid_registration.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <string>
#include <type_traits>

#include "core/cpu_features.h"
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

// The per-frame loops below are written so that the compiler vectorizes them (float
// arrays held as separate real and imaginary parts, no std::complex in inner loops) and
// compute exactly what the plain loops would: element by element, no fused
// multiply-add, every sum in the same order. The ones marked target_clones are built for
// AVX and for baseline x86-64 and chosen at load time; both round the same way.

// Four and eight floats: whitening needs a vector square root, which the compiler does
// not make from std::sqrt (it may set errno), so its loop is written with these.
using Floats4 = float __attribute__((vector_size(16)));
using Floats8 = float __attribute__((vector_size(32)));

Floats4 load4(const float* p) {
  Floats4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store4(float* p, Floats4 v) { std::memcpy(p, &v, sizeof v); }

// C = R·conj(F) / max(|R·conj(F)|, ε) · weight (no weight: 1), in place of F, over
// spectrum values [i, count) (interleaved); the reference R split in two arrays.
template <bool kWeighted>
void whiten_tail(const float* ref_re, const float* ref_im, const float* weight, float* spectrum, std::size_t i,
                 std::size_t count, float epsilon) {
  for (; i < count; ++i) {
    const float rr = ref_re[i], ri = ref_im[i];
    const float fr = spectrum[2 * i], fi = spectrum[2 * i + 1];
    const float re = rr * fr + ri * fi;
    const float im = ri * fr - rr * fi;
    const float scale = (kWeighted ? weight[i] : 1.0f) / std::max(std::sqrt(re * re + im * im), epsilon);
    spectrum[2 * i] = re * scale;
    spectrum[2 * i + 1] = im * scale;
  }
}

// The same four values at a time (SSE, baseline x86-64).
template <bool kWeighted>
void whiten4(const float* ref_re, const float* ref_im, const float* weight, float* spectrum, std::size_t count,
             float epsilon) {
  std::size_t i = 0;
  const Floats4 epsilons = {epsilon, epsilon, epsilon, epsilon};
  for (; i + 4 <= count; i += 4) {
    const auto a = load4(spectrum + 2 * i), b = load4(spectrum + 2 * i + 4);
    const Floats4 fr = __builtin_shufflevector(a, b, 0, 2, 4, 6);
    const Floats4 fi = __builtin_shufflevector(a, b, 1, 3, 5, 7);
    const auto rr = load4(ref_re + i), ri = load4(ref_im + i);
    const Floats4 re = rr * fr + ri * fi;
    const Floats4 im = ri * fr - rr * fi;
    // maxps(ε, m) is ε only where ε > m: a NaN magnitude stays NaN, as with std::max(m, ε).
    const Floats4 magnitude = __builtin_ia32_maxps(epsilons, __builtin_ia32_sqrtps(re * re + im * im));
    const Floats4 scale = (kWeighted ? load4(weight + i) : Floats4{1.0f, 1.0f, 1.0f, 1.0f}) / magnitude;
    const Floats4 out_re = re * scale, out_im = im * scale;
    store4(spectrum + 2 * i, __builtin_shufflevector(out_re, out_im, 0, 4, 1, 5));
    store4(spectrum + 2 * i + 4, __builtin_shufflevector(out_re, out_im, 2, 6, 3, 7));
  }
  whiten_tail<kWeighted>(ref_re, ref_im, weight, spectrum, i, count, epsilon);
}

// The same eight values at a time (AVX).
template <bool kWeighted>
[[gnu::target("avx")]] void whiten8(const float* ref_re, const float* ref_im, const float* weight, float* spectrum,
                                    std::size_t count, float epsilon) {
  std::size_t i = 0;
  const Floats8 epsilons = {epsilon, epsilon, epsilon, epsilon, epsilon, epsilon, epsilon, epsilon};
  const Floats8 ones = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
  for (; i + 8 <= count; i += 8) {
    // (Loads and stores by memcpy in this function: a helper taking or returning a 32-byte
    // vector would have another calling convention without AVX.)
    Floats8 a, b, rr, ri, w = ones;
    std::memcpy(&a, spectrum + 2 * i, sizeof a);
    std::memcpy(&b, spectrum + 2 * i + 8, sizeof b);
    std::memcpy(&rr, ref_re + i, sizeof rr);
    std::memcpy(&ri, ref_im + i, sizeof ri);
    if (kWeighted) std::memcpy(&w, weight + i, sizeof w);
    const Floats8 fr = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
    const Floats8 fi = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
    const Floats8 re = rr * fr + ri * fi;
    const Floats8 im = ri * fr - rr * fi;
    const Floats8 magnitude = __builtin_ia32_maxps256(epsilons, __builtin_ia32_sqrtps256(re * re + im * im));
    const Floats8 scale = w / magnitude;
    const Floats8 out_re = re * scale, out_im = im * scale;
    const Floats8 low = __builtin_shufflevector(out_re, out_im, 0, 8, 1, 9, 2, 10, 3, 11);
    const Floats8 high = __builtin_shufflevector(out_re, out_im, 4, 12, 5, 13, 6, 14, 7, 15);
    std::memcpy(spectrum + 2 * i, &low, sizeof low);
    std::memcpy(spectrum + 2 * i + 8, &high, sizeof high);
  }
  whiten_tail<kWeighted>(ref_re, ref_im, weight, spectrum, i, count, epsilon);
}

// Whitening, eight values at a time where the processor has AVX: the same arithmetic
// either way, value by value.
void whiten(const float* ref_re, const float* ref_im, const float* weight, float* spectrum, std::size_t count,
            float epsilon) {
  if (cpu_has_avx()) {
    if (weight != nullptr) return whiten8<true>(ref_re, ref_im, weight, spectrum, count, epsilon);
    return whiten8<false>(ref_re, ref_im, weight, spectrum, count, epsilon);
  }
  if (weight != nullptr) return whiten4<true>(ref_re, ref_im, weight, spectrum, count, epsilon);
  whiten4<false>(ref_re, ref_im, weight, spectrum, count, epsilon);
}

// From one frequency column c of the spectrum (interleaved, `height` values): for
// q = 1..n, the sum and difference of the values of frequencies q and −q, split into
// real and imaginary parts, at q − 1. Four q at a time: c(q..q+3) and, reversed,
// c(height−q−3..height−q).
void sum_and_difference(const float* __restrict column, int height, float* __restrict sum_re, float* __restrict sum_im,
                        float* __restrict diff_re, float* __restrict diff_im, int n) {
  int q = 1;
  for (; q + 3 <= n; q += 4) {
    const Floats4 a0 = load4(column + 2 * q), a1 = load4(column + 2 * q + 4);
    const float* mirror = column + 2 * (height - q - 3);  // c(height−q−3), ..., c(height−q)
    const Floats4 b0 = load4(mirror), b1 = load4(mirror + 4);
    const Floats4 ar = __builtin_shufflevector(a0, a1, 0, 2, 4, 6), ai = __builtin_shufflevector(a0, a1, 1, 3, 5, 7);
    const Floats4 br = __builtin_shufflevector(b1, b0, 2, 0, 6, 4), bi = __builtin_shufflevector(b1, b0, 3, 1, 7, 5);
    store4(sum_re + q - 1, ar + br);
    store4(sum_im + q - 1, ai + bi);
    store4(diff_re + q - 1, ar - br);
    store4(diff_im + q - 1, ai - bi);
  }
  for (; q <= n; ++q) {
    const float ar = column[2 * q], ai = column[2 * q + 1];
    const float br = column[2 * (height - q)], bi = column[2 * (height - q) + 1];
    sum_re[q - 1] = ar + br;
    sum_im[q - 1] = ai + bi;
    diff_re[q - 1] = ar - br;
    diff_im[q - 1] = ai - bi;
  }
}

// For each grid row j: Σ_q kr(j, q)·P(q) + i·ki(j, q)·M(q) over q < n (a multiple of 8),
// in 8 lanes (lane q mod 8) summed in a fixed order: the refinement's inner loop. P and
// M are the sum and difference of the values of frequencies q and −q, whose kernels are
// k and conj(k): k·a + conj(k)·b = kr·(a + b) + i·ki·(a − b). Kernel row j starts at
// j·kernel_stride. pair_dots8 (AVX) and pair_dots4 (SSE, two vectors for the 8 lanes) do
// the same arithmetic in every lane, so they round alike.
void reduce_lanes(const float* re, const float* im, float& out_re, float& out_im) {
  out_re = ((re[0] + re[1]) + (re[2] + re[3])) + ((re[4] + re[5]) + (re[6] + re[7]));
  out_im = ((im[0] + im[1]) + (im[2] + im[3])) + ((im[4] + im[5]) + (im[6] + im[7]));
}

// One grid row's eight lanes: re += kr·P − ki·M', im += kr·P' + ki·M (P, M split in real
// and imaginary parts; see pair_dots below).
[[gnu::target("avx"), gnu::always_inline]] inline void add_pair_dots8(const float* kr, const float* ki, Floats8 pr,
                                                                      Floats8 pi, Floats8 mr, Floats8 mi, Floats8& re,
                                                                      Floats8& im) {
  Floats8 a, b;  // loaded by memcpy (see whiten8)
  std::memcpy(&a, kr, sizeof a);
  std::memcpy(&b, ki, sizeof b);
  re += a * pr - b * mi;
  im += a * pi + b * mr;
}

// reduce_lanes's order over a vector's eight lanes.
[[gnu::target("avx"), gnu::always_inline]] inline float sum_lanes8(Floats8 v) {
  return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

// Three grid rows at a time share the loads of P and M; kJ is 3, or 1 for the rest. The
// sums are named vectors, not arrays, so they stay in registers and cost nothing to clear.
template <int kJ>
[[gnu::target("avx")]] void pair_dots8_rows(const float* kr, const float* ki, std::size_t kernel_stride,
                                            const float* sum_re, const float* sum_im, const float* diff_re,
                                            const float* diff_im, int n, float* out_re, float* out_im) {
  static_assert(kJ == 1 || kJ == 3);
  Floats8 re0 = {}, im0 = {}, re1 = {}, im1 = {}, re2 = {}, im2 = {};
  for (int q = 0; q < n; q += 8) {
    Floats8 pr, pi, mr, mi;  // loaded by memcpy (see whiten8)
    std::memcpy(&pr, sum_re + q, sizeof pr);
    std::memcpy(&pi, sum_im + q, sizeof pi);
    std::memcpy(&mr, diff_re + q, sizeof mr);
    std::memcpy(&mi, diff_im + q, sizeof mi);
    add_pair_dots8(kr + q, ki + q, pr, pi, mr, mi, re0, im0);
    if constexpr (kJ == 3) {
      add_pair_dots8(kr + kernel_stride + q, ki + kernel_stride + q, pr, pi, mr, mi, re1, im1);
      add_pair_dots8(kr + 2 * kernel_stride + q, ki + 2 * kernel_stride + q, pr, pi, mr, mi, re2, im2);
    }
  }
  out_re[0] = sum_lanes8(re0);
  out_im[0] = sum_lanes8(im0);
  if constexpr (kJ == 3) {
    out_re[1] = sum_lanes8(re1);
    out_im[1] = sum_lanes8(im1);
    out_re[2] = sum_lanes8(re2);
    out_im[2] = sum_lanes8(im2);
  }
}

template <int kJ>
void pair_dots4_rows(const float* kr, const float* ki, std::size_t kernel_stride, const float* sum_re,
                     const float* sum_im, const float* diff_re, const float* diff_im, int n, float* out_re,
                     float* out_im) {
  Floats4 re[2 * kJ] = {}, im[2 * kJ] = {};  // lanes 0-3 and 4-7 of each row
  for (int q = 0; q < n; q += 4) {
    const int half = (q / 4) % 2;
    const Floats4 pr = load4(sum_re + q), pi = load4(sum_im + q), mr = load4(diff_re + q), mi = load4(diff_im + q);
    for (int j = 0; j < kJ; ++j) {
      const Floats4 a = load4(kr + j * kernel_stride + q), b = load4(ki + j * kernel_stride + q);
      re[2 * j + half] += a * pr - b * mi;
      im[2 * j + half] += a * pi + b * mr;
    }
  }
  for (int j = 0; j < kJ; ++j) {
    float r[8], i[8];
    store4(r, re[2 * j]);
    store4(r + 4, re[2 * j + 1]);
    store4(i, im[2 * j]);
    store4(i + 4, im[2 * j + 1]);
    reduce_lanes(r, i, out_re[j], out_im[j]);
  }
}

void pair_dots(const float* kr, const float* ki, std::size_t kernel_stride, int grid, const float* sum_re,
               const float* sum_im, const float* diff_re, const float* diff_im, int n, float* out_re, float* out_im) {
  const bool avx = cpu_has_avx();
  int j = 0;
  for (; j + 3 <= grid; j += 3) {
    const std::size_t at = j * kernel_stride;
    if (avx) {
      pair_dots8_rows<3>(kr + at, ki + at, kernel_stride, sum_re, sum_im, diff_re, diff_im, n, out_re + j, out_im + j);
    } else {
      pair_dots4_rows<3>(kr + at, ki + at, kernel_stride, sum_re, sum_im, diff_re, diff_im, n, out_re + j, out_im + j);
    }
  }
  for (; j < grid; ++j) {
    const std::size_t at = j * kernel_stride;
    if (avx) {
      pair_dots8_rows<1>(kr + at, ki + at, kernel_stride, sum_re, sum_im, diff_re, diff_im, n, out_re + j, out_im + j);
    } else {
      pair_dots4_rows<1>(kr + at, ki + at, kernel_stride, sum_re, sum_im, diff_re, diff_im, n, out_re + j, out_im + j);
    }
  }
}

// re[i] + i·im[i] += Σ_{k in [from, to)} u(k)·x(k, i) for every lane i, in double: each
// lane's sum runs over k in order, as a plain dot product would. x is k-major (lanes
// values a k).
[[gnu::target_clones("avx", "default")]] void accumulate_dots(const float* u_re, const float* u_im,
                                                              const double* __restrict x_re,
                                                              const double* __restrict x_im, int from, int to,
                                                              int lanes, double* __restrict re, double* __restrict im) {
  for (int k = from; k < to; ++k) {
    const double ur = u_re[k], ui = u_im[k];
    const double* xr = x_re + static_cast<std::size_t>(k) * lanes;
    const double* xi = x_im + static_cast<std::size_t>(k) * lanes;
    for (int i = 0; i < lanes; ++i) {
      re[i] += ur * xr[i] - ui * xi[i];
      im[i] += ur * xi[i] + ui * xr[i];
    }
  }
}

// The frame's mean, and whether it is finite and has two different values.
struct PixelSummary {
  bool finite = true;
  bool flat = true;
  double mean = 0.0;
};

template <class T> [[gnu::always_inline]] inline PixelSummary summarize(const T* pixels, std::size_t count) {
  PixelSummary summary;
  T low = pixels[0], high = pixels[0];
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
    // Exact in 32 bits over chunks of 2^15 pixels (|sum| < 2^15 · 2^16), which the
    // compiler vectorizes with half the additions of 64-bit sums.
    using Partial = std::conditional_t<std::is_signed_v<T>, std::int32_t, std::uint32_t>;
    constexpr std::size_t kChunk = std::size_t{1} << 15;
    std::int64_t sum = 0;
    for (std::size_t begin = 0; begin < count; begin += kChunk) {
      const std::size_t end = std::min(count, begin + kChunk);
      Partial partial = 0;
      for (std::size_t i = begin; i < end; ++i) {
        partial += pixels[i];
        low = std::min(low, pixels[i]);
        high = std::max(high, pixels[i]);
      }
      sum += partial;
    }
    summary.mean = static_cast<double>(sum) / static_cast<double>(count);
  } else if constexpr (std::is_integral_v<T>) {
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

// Row y's taper weights: the column weights for inner rows; the taper_width rows at the
// top and at the bottom have rows of their own.
struct TaperRows {
  const float* column;
  const float* border;  // the top rows, then the bottom rows
  int taper;
  int height;
  int width;
  const float* row(int y) const {
    if (y < taper) return border + static_cast<std::size_t>(y) * width;
    if (y >= height - taper) return border + static_cast<std::size_t>(y - height + 2 * taper) * width;
    return column;
  }
};

// In float (exact for pixels of up to 24 bits); float64 pixels in double, so a large
// offset does not swallow their variation before the mean is taken away.
template <class T> using TaperArithmetic = std::conditional_t<std::is_same_v<T, double>, double, float>;

// (pixel − mean)·weight for rows a and b, interleaved as the FFT's input wants them.
template <class T>
[[gnu::always_inline]] inline void taper_pair(const T* __restrict a, const float* __restrict weight_a,
                                              const T* __restrict b, const float* __restrict weight_b,
                                              TaperArithmetic<T> mean, float* __restrict out, int n) {
  using A = TaperArithmetic<T>;
  for (int x = 0; x < n; ++x) {
    out[2 * x] = static_cast<float>((static_cast<A>(a[x]) - mean) * weight_a[x]);
    out[2 * x + 1] = static_cast<float>((static_cast<A>(b[x]) - mean) * weight_b[x]);
  }
}

// The frame, its mean taken away and tapered, into the FFT's input rows; nothing is
// written for a non-finite or flat frame.
template <class T>
[[gnu::always_inline]] inline PixelSummary taper_frame(FrameView<T> view, const TaperRows& rows, RealFft2d& fft) {
  static_assert(RealFft2d::kInputStep == 2, "rows are written in interleaved pairs");
  const PixelSummary summary = summarize(view.data(), view.pixel_count());
  if (!summary.finite || summary.flat) return summary;
  using A = TaperArithmetic<T>;
  const auto mean = static_cast<A>(summary.mean);
  const int height = view.height(), width = view.width();
  int y = 0;
  for (; y + 1 < height; y += 2) {
    taper_pair(view.row(y), rows.row(y), view.row(y + 1), rows.row(y + 1), mean, fft.input_row(y), width);
  }
  if (y < height) {  // an odd height's last row; its partner's slots stay zero
    const T* pixels = view.row(y);
    const float* weight = rows.row(y);
    float* out = fft.input_row(y);
    for (int x = 0; x < width; ++x) out[2 * x] = static_cast<float>((static_cast<A>(pixels[x]) - mean) * weight[x]);
  }
  return summary;
}

// The same compiled twice; AVX2's packed 16-bit min and max and wider conversions do the
// same arithmetic.
template <class T> PixelSummary taper_frame_baseline(FrameView<T> view, const TaperRows& rows, RealFft2d& fft) {
  return taper_frame(view, rows, fft);
}
template <class T>
[[gnu::target("avx2")]] PixelSummary taper_frame_avx2(FrameView<T> view, const TaperRows& rows, RealFft2d& fft) {
  return taper_frame(view, rows, fft);
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
    : shape_(shape), options_((check_options(shape, options), options)), fft_(shape, options.max_shift) {
  const int height = shape.height;
  const int width = shape.width;
  const int spectrum_width = fft_.spectrum_width(), stride = fft_.spectrum_stride();
  const int taper = options.taper_width;
  column_taper_.resize(width);
  for (int x = 0; x < width; ++x) column_taper_[x] = static_cast<float>(1.0 * taper_weight(x, width, taper));
  border_taper_.resize(static_cast<std::size_t>(2 * taper) * width);
  for (int b = 0; b < 2 * taper; ++b) {
    const int y = b < taper ? b : height - 2 * taper + b;
    for (int x = 0; x < width; ++x) {
      border_taper_[static_cast<std::size_t>(b) * width + x] =
          static_cast<float>(taper_weight(y, height, taper) * taper_weight(x, width, taper));
    }
  }
  correlation_norm_ = static_cast<float>(shape.pixel_count());
  if (options.smooth_sigma > 0.0) {
    spectrum_weight_.assign(fft_.spectrum_size(), 1.0f);
    for (int ky = 0; ky < height; ++ky) {
      const double gy = gaussian_spectrum(signed_frequency(ky, height), height, options.smooth_sigma);
      for (int kx = 0; kx < spectrum_width; ++kx) {
        spectrum_weight_[static_cast<std::size_t>(kx) * stride + ky] =
            static_cast<float>(gy * gaussian_spectrum(kx, width, options.smooth_sigma));
      }
    }
    correlation_norm_ = static_cast<float>(gaussian_spectrum_sum(height, options.smooth_sigma) *
                                           gaussian_spectrum_sum(width, options.smooth_sigma));
  }
  reference_re_.resize(fft_.spectrum_size());
  reference_im_.resize(fft_.spectrum_size());
  // Frequencies 0..height/2, and beyond them to a multiple of 8 past the last pair: the
  // pairs are summed 8 at a time, the missing ones zero.
  kernel_rows_ = (height / 2 + 1 + 8 + 7) / 8 * 8;
  partial_stride_ = (spectrum_width + 3) / 4 * 4;
  pair_rows_.assign(4 * static_cast<std::size_t>(kernel_rows_), 0.0f);
  nyquist_re_.assign(partial_stride_, 0.0f);
  nyquist_im_.assign(partial_stride_, 0.0f);

  // The refinement grid's phases, relative to the integer peak: point j of R is at
  // peak + (j − c)/upsample_factor px, c = floor(R/2).
  const int factor = options.upsample_factor;
  grid_ = factor == 1 ? 1 : static_cast<int>(std::ceil(1.5 * factor));
  lanes_ = (grid_ + 3) / 4 * 4;
  const int centre = grid_ / 2;
  const double two_pi = 2.0 * std::numbers::pi;
  y_grid_re_.resize(static_cast<std::size_t>(grid_) * kernel_rows_);
  y_grid_im_.resize(y_grid_re_.size());
  x_grid_phase_.resize(static_cast<std::size_t>(grid_) * spectrum_width);
  for (int j = 0; j < grid_; ++j) {
    const double offset = static_cast<double>(j - centre) / factor;
    for (int ky = 0; ky < kernel_rows_; ++ky) {
      const std::complex<double> phase = std::polar(1.0, two_pi * signed_frequency(ky, height) * offset / height);
      y_grid_re_[static_cast<std::size_t>(j) * kernel_rows_ + ky] = phase.real();
      y_grid_im_[static_cast<std::size_t>(j) * kernel_rows_ + ky] = phase.imag();
    }
    for (int kx = 0; kx < spectrum_width; ++kx) {
      x_grid_phase_[static_cast<std::size_t>(j) * spectrum_width + kx] =
          std::polar(1.0, two_pi * signed_frequency(kx, width) * offset / width);
    }
  }
  // f·peak mod n lies in (−n, n): the peak's phases are looked up, not computed per frame.
  y_turn_phase_.resize(2 * static_cast<std::size_t>(height) - 1);
  for (int t = 1 - height; t < height; ++t) {
    y_turn_phase_[t + height - 1] = std::polar(1.0, two_pi * static_cast<double>(t) / height);
  }
  x_turn_phase_.resize(2 * static_cast<std::size_t>(width) - 1);
  for (int t = 1 - width; t < width; ++t) {
    x_turn_phase_[t + width - 1] = std::polar(1.0, two_pi * static_cast<double>(t) / width);
  }
  y_peak_re_.resize(kernel_rows_);
  y_peak_im_.resize(kernel_rows_);
  y_kernel_re_.resize(y_grid_re_.size());
  y_kernel_im_.resize(y_grid_re_.size());
  x_kernel_re_.assign(static_cast<std::size_t>(spectrum_width) * lanes_, 0.0);
  x_kernel_im_.assign(x_kernel_re_.size(), 0.0);
  partial_re_.assign(static_cast<std::size_t>(grid_) * partial_stride_, 0.0f);
  partial_im_.resize(partial_re_.size());
  nyquist_share_.resize(grid_);
  dots_.resize(8 * static_cast<std::size_t>(lanes_));
  column_sums_.resize(2 * static_cast<std::size_t>(grid_));

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
  const std::complex<float>* spectrum = fft_.spectrum();
  for (std::size_t i = 0; i < fft_.spectrum_size(); ++i) {
    reference_re_[i] = spectrum[i].real();
    reference_im_[i] = spectrum[i].imag();
  }
}

RigidRegistration::TaperOutcome RigidRegistration::taper_into_fft_image(AnyFrameView frame) {
  const TaperRows rows{column_taper_.data(), border_taper_.data(), options_.taper_width, shape_.height, shape_.width};
  const PixelSummary summary = frame.visit([&](auto view) {
    return cpu_has_avx2() ? taper_frame_avx2(view, rows, fft_) : taper_frame_baseline(view, rows, fft_);
  });
  if (!summary.finite) return TaperOutcome::kNonFinite;
  if (summary.flat) return TaperOutcome::kFlat;
  return TaperOutcome::kTapered;
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

// C = R·conj(F) / max(|R·conj(F)|, ε), times the smoothing, in place of the frame's
// spectrum: the inverse FFT near the origin keeps it for the refinement.
void RigidRegistration::whiten_cross_power() {
  whiten(reference_re_.data(), reference_im_.data(), spectrum_weight_.empty() ? nullptr : spectrum_weight_.data(),
         reinterpret_cast<float*>(fft_.spectrum()), fft_.spectrum_size(), kWhiteningEpsilon);
}

// The correlation image's maximum over shifts within ±max_shift (first one on ties): only
// those rows of it are computed.
RigidRegistration::Peak RigidRegistration::integer_peak() {
  fft_.inverse_near_origin();
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

// The grid's kernels for this peak: the precomputed phases times e^{2πi f·peak/n}, in
// double (as std::complex multiplies finite values: re = ac − bd, im = ad + bc), rounded
// to float for y and kept in double, transposed, for x.
void RigidRegistration::fill_refinement_kernels(const Peak& peak) {
  const int height = shape_.height, width = shape_.width, spectrum_width = fft_.spectrum_width();
  for (int ky = 0; ky < kernel_rows_; ++ky) {
    // f·dy mod n keeps the angle small, so the phase is exact to double rounding.
    const long turn = (static_cast<long>(signed_frequency(ky, height)) * peak.dy) % height;
    const std::complex<double> phase = y_turn_phase_[static_cast<std::size_t>(turn + height - 1)];
    y_peak_re_[ky] = phase.real();
    y_peak_im_[ky] = phase.imag();
  }
  for (int j = 0; j < grid_; ++j) {
    const std::size_t row = static_cast<std::size_t>(j) * kernel_rows_;
    const double* gr = y_grid_re_.data() + row;
    const double* gi = y_grid_im_.data() + row;
    float* kr = y_kernel_re_.data() + row;
    float* ki = y_kernel_im_.data() + row;
    for (int ky = 0; ky < kernel_rows_; ++ky) {
      kr[ky] = static_cast<float>(gr[ky] * y_peak_re_[ky] - gi[ky] * y_peak_im_[ky]);
      ki[ky] = static_cast<float>(gr[ky] * y_peak_im_[ky] + gi[ky] * y_peak_re_[ky]);
    }
  }
  for (int kx = 0; kx < spectrum_width; ++kx) {
    const long turn = (static_cast<long>(signed_frequency(kx, width)) * peak.dx) % width;
    const std::complex<double> phase = x_turn_phase_[static_cast<std::size_t>(turn + width - 1)];
    for (int j = 0; j < grid_; ++j) {
      const std::complex<double> k = x_grid_phase_[static_cast<std::size_t>(j) * spectrum_width + kx] * phase;
      x_kernel_re_[static_cast<std::size_t>(kx) * lanes_ + j] = static_cast<float>(k.real());
      x_kernel_im_[static_cast<std::size_t>(kx) * lanes_ + j] = static_cast<float>(k.imag());
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
  const int width = shape_.width, spectrum_width = fft_.spectrum_width(), stride = partial_stride_;
  const int last_mirrored = (width - 1) / 2;  // columns 1..last_mirrored have a mirror
  const std::size_t lanes = static_cast<std::size_t>(lanes_);
  // dots_: [0, 2) the Nyquist row's share, [2, 4) column 0, [4, 6) the mirrored columns,
  // [6, 8) the rest (real and imaginary parts, lanes values each).
  double* d = dots_.data();
  const auto sums = [&](const float* u_re, const float* u_im, int from, int to, double* out) {
    std::fill(out, out + 2 * lanes, 0.0);
    accumulate_dots(u_re, u_im, x_kernel_re_.data(), x_kernel_im_.data(), from, to, lanes_, out, out + lanes);
  };
  if (shape_.height % 2 == 0) {
    sums(nyquist_re_.data(), nyquist_im_.data(), 1, last_mirrored + 1, d);
  } else {
    std::fill(d, d + 2 * lanes, 0.0);
  }
  for (int i = 0; i < grid_; ++i) nyquist_share_[i] = {d[i], d[lanes + i]};
  double best = -1.0;
  int best_j = grid_ / 2, best_i = grid_ / 2;
  for (int j = 0; j < grid_; ++j) {
    const std::size_t row = static_cast<std::size_t>(j) * stride;
    const float* u_re = partial_re_.data() + row;
    const float* u_im = partial_im_.data() + row;
    sums(u_re, u_im, 0, 1, d + 2 * lanes);
    sums(u_re, u_im, 1, last_mirrored + 1, d + 4 * lanes);
    sums(u_re, u_im, last_mirrored + 1, spectrum_width, d + 6 * lanes);
    // U' − U = P[height/2, k]·(e^{iπy} − e^{−iπy}) = P[height/2, k]·2i·sin(πy).
    const double y = peak.dy + static_cast<double>(j - grid_ / 2) / options_.upsample_factor;
    const std::complex<double> nyquist_change =
        shape_.height % 2 == 0 ? std::complex<double>(0.0, 2.0 * std::sin(std::numbers::pi * y)) : 0.0;
    for (int i = 0; i < grid_; ++i) {
      const std::complex<double> mirrored{d[4 * lanes + i], d[5 * lanes + i]};
      std::complex<double> direct = mirrored + std::complex<double>{d[2 * lanes + i], d[3 * lanes + i]};
      if (last_mirrored + 1 < spectrum_width) direct += std::complex<double>{d[6 * lanes + i], d[7 * lanes + i]};
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

// U(j, kx) = Σ_ky Ky(j, ky)·C(ky, kx), one frequency column kx at a time (contiguous in
// the transposed spectrum): the pairs q, −q, then frequency 0 and the Nyquist value of
// even heights (kept for refine()).
void RigidRegistration::sum_columns_along_y() {
  const int height = shape_.height, columns = fft_.spectrum_width();
  const std::size_t stride = static_cast<std::size_t>(fft_.spectrum_stride());
  const float* spectrum = reinterpret_cast<const float*>(fft_.spectrum());
  const int pairs = (height + 1) / 2 - 1;  // q = 1..pairs
  float* sum_re = pair_rows_.data();
  float* sum_im = sum_re + kernel_rows_;
  float* diff_re = sum_im + kernel_rows_;
  float* diff_im = diff_re + kernel_rows_;
  for (int kx = 0; kx < columns; ++kx) {
    const float* column = spectrum + 2 * kx * stride;
    sum_and_difference(column, height, sum_re, sum_im, diff_re, diff_im, pairs);
    const float zero_re = column[0], zero_im = column[1];
    const float nyquist_re = height % 2 == 0 ? column[height] : 0.0f;
    const float nyquist_im = height % 2 == 0 ? column[height + 1] : 0.0f;
    nyquist_re_[kx] = nyquist_re;
    nyquist_im_[kx] = nyquist_im;
    float* re = column_sums_.data();
    float* im = re + grid_;
    pair_dots(y_kernel_re_.data() + 1, y_kernel_im_.data() + 1, kernel_rows_, grid_, sum_re, sum_im, diff_re, diff_im,
              (pairs + 7) / 8 * 8, re, im);
    for (int j = 0; j < grid_; ++j) {
      const float* kr = y_kernel_re_.data() + static_cast<std::size_t>(j) * kernel_rows_;
      const float* ki = y_kernel_im_.data() + static_cast<std::size_t>(j) * kernel_rows_;
      re[j] += kr[0] * zero_re - ki[0] * zero_im;
      im[j] += kr[0] * zero_im + ki[0] * zero_re;
      if (height % 2 == 0) {
        const int n = height / 2;
        re[j] += kr[n] * nyquist_re - ki[n] * nyquist_im;
        im[j] += kr[n] * nyquist_im + ki[n] * nyquist_re;
      }
      partial_re_[static_cast<std::size_t>(j) * partial_stride_ + kx] = re[j];
      partial_im_[static_cast<std::size_t>(j) * partial_stride_ + kx] = im[j];
    }
  }
}

}  // namespace calmon
