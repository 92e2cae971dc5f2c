// rigid_registration_test.cc — RigidRegistration recovers known translations of a
// textured image (integer ones exactly, subpixel ones within the grid's step), reports
// flat, non-finite and unmatched frames as failed, and rejects bad geometry and options
// with one-line errors.
#include "core/rigid_registration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/real_fft_2d.h"
#include "test_texture.h"

namespace calmon {
namespace {

using testing::Texture;

FrameView<float> view(const std::vector<float>& pixels, FrameShape shape) { return {pixels.data(), shape}; }

std::string error_of(FrameShape shape, RigidRegistrationOptions options, const std::vector<float>& reference) {
  try {
    RigidRegistration registration(shape, options, view(reference, shape));
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// The texture rolled with wrap-around (numpy's np.roll): every pixel has its partner.
std::vector<float> rolled(const std::vector<float>& image, FrameShape shape, int ty, int tx) {
  std::vector<float> out(image.size());
  for (int y = 0; y < shape.height; ++y) {
    for (int x = 0; x < shape.width; ++x) {
      const int to_y = ((y + ty) % shape.height + shape.height) % shape.height;
      const int to_x = ((x + tx) % shape.width + shape.width) % shape.width;
      out[to_y * shape.width + to_x] = image[y * shape.width + x];
    }
  }
  return out;
}

TEST(RigidRegistration, RecoversCircularIntegerShiftsExactly) {
  const Texture texture(1);
  for (FrameShape shape : {FrameShape{64, 64}, FrameShape{63, 50}, FrameShape{48, 71}}) {
    const std::vector<float> reference = texture.image(shape);
    RigidRegistration registration(shape, {.taper_width = 0}, view(reference, shape));
    for (auto [ty, tx] : {std::pair{0, 0}, {3, -5}, {-7, 2}, {10, 10}, {-12, 0}}) {
      const std::vector<float> frame = rolled(reference, shape, ty, tx);
      const RegistrationResult result = registration.register_frame(view(frame, shape));
      EXPECT_EQ(result.dy, -ty) << shape.width << "x" << shape.height << " rolled by " << ty << "," << tx;
      EXPECT_EQ(result.dx, -tx) << shape.width << "x" << shape.height << " rolled by " << ty << "," << tx;
      EXPECT_EQ(result.failed, RegistrationFailure::kNone);
      // 1 but for the mean-free images' zero-frequency term, whitened from rounding noise.
      EXPECT_NEAR(result.peak, 1.0, 1e-3);
    }
  }
}

TEST(RigidRegistration, RecoversIntegerMovesOfTheContent) {
  // Content that leaves the frame on one side and enters on the other: the integer peak is
  // exact; the refinement may lean by a grid step towards 0 (the taper stays in place).
  const Texture texture(13);
  for (FrameShape shape : {FrameShape{64, 64}, FrameShape{63, 50}}) {
    const std::vector<float> reference = texture.image(shape);
    RigidRegistration integer(shape, {.upsample_factor = 1}, view(reference, shape));
    RigidRegistration refined(shape, {}, view(reference, shape));
    for (auto [ty, tx] : {std::pair{3, -5}, {-7, 2}, {10, 10}}) {
      const std::vector<float> frame = texture.image(shape, ty, tx);
      const RegistrationResult whole = integer.register_frame(view(frame, shape));
      EXPECT_EQ(whole.dy, -ty);
      EXPECT_EQ(whole.dx, -tx);
      const RegistrationResult fine = refined.register_frame(view(frame, shape));
      EXPECT_NEAR(fine.dy, -ty, 0.1 + 1e-9);
      EXPECT_NEAR(fine.dx, -tx, 0.1 + 1e-9);
    }
  }
}

TEST(RigidRegistration, SignMatchesScikitImage) {
  // Content moved 2 px down and 1 px right: the registering shift moves it back.
  const Texture texture(2);
  const FrameShape shape{40, 40};
  const std::vector<float> reference = texture.image(shape);
  RigidRegistration registration(shape, {.max_shift = 8}, view(reference, shape));
  const std::vector<float> frame = texture.image(shape, 2.0, 1.0);
  const RegistrationResult result = registration.register_frame(view(frame, shape));
  EXPECT_EQ(result.dy, -2.0);
  EXPECT_EQ(result.dx, -1.0);
}

TEST(RigidRegistration, RecoversSubpixelShifts) {
  const Texture texture(3);
  for (FrameShape shape : {FrameShape{64, 64}, FrameShape{61, 45}}) {
    const std::vector<float> reference = texture.image(shape);
    for (int factor : {10, 20}) {
      RigidRegistration registration(shape, {.upsample_factor = factor}, view(reference, shape));
      for (auto [ty, tx] : {std::pair{1.3, -2.7}, {-0.45, 0.25}, {4.8, 6.1}, {-5.55, -3.35}}) {
        const std::vector<float> frame = texture.image(shape, ty, tx);
        const RegistrationResult result = registration.register_frame(view(frame, shape));
        EXPECT_NEAR(result.dy, -ty, 0.1) << "factor " << factor << " shift " << ty << "," << tx;
        EXPECT_NEAR(result.dx, -tx, 0.1) << "factor " << factor << " shift " << ty << "," << tx;
        // On the grid: a whole number of 1/factor steps.
        EXPECT_NEAR(result.dy * factor, std::round(result.dy * factor), 1e-9);
      }
    }
  }
}

TEST(RigidRegistration, UpsampleFactorOneGivesIntegers) {
  const Texture texture(4);
  const FrameShape shape{50, 50};
  const std::vector<float> reference = texture.image(shape);
  RigidRegistration registration(shape, {.upsample_factor = 1}, view(reference, shape));
  const std::vector<float> frame = texture.image(shape, 2.3, -4.6);
  const RegistrationResult result = registration.register_frame(view(frame, shape));
  EXPECT_EQ(result.dy, -2.0);
  EXPECT_EQ(result.dx, 5.0);
}

TEST(RigidRegistration, SmoothingKeepsTheShiftOfANoisyFrame) {
  const Texture texture(6);
  const FrameShape shape{64, 64};
  const std::vector<float> reference = texture.image(shape);
  std::vector<float> frame = texture.image(shape, -3.4, 2.2);
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 20.0f);
  for (float& v : frame) v += noise(rng);
  for (double sigma : {0.0, 1.15, 2.0}) {
    RigidRegistration registration(shape, {.smooth_sigma = sigma}, view(reference, shape));
    const RegistrationResult result = registration.register_frame(view(frame, shape));
    EXPECT_NEAR(result.dy, 3.4, 0.15) << "sigma " << sigma;
    EXPECT_NEAR(result.dx, -2.2, 0.15) << "sigma " << sigma;
    EXPECT_EQ(result.failed, RegistrationFailure::kNone) << "sigma " << sigma;
  }
}

TEST(RigidRegistration, Float64PixelsOnALargeOffsetKeepTheirVariation) {
  // 1e9 + the texture: in float the texture would be lost to rounding before the mean is
  // taken away; float64 pixels are tapered in double.
  const Texture texture(14);
  const FrameShape shape{48, 48};
  std::vector<double> reference(shape.pixel_count()), frame(shape.pixel_count());
  const std::vector<float> still = texture.image(shape);
  const std::vector<float> rolled_texture = rolled(still, shape, 2, -3);
  for (std::size_t i = 0; i < reference.size(); ++i) {
    reference[i] = 1e9 + still[i];
    frame[i] = 1e9 + rolled_texture[i];
  }
  RigidRegistration registration(shape, {.taper_width = 0}, FrameView<double>(reference.data(), shape));
  const RegistrationResult result = registration.register_frame(FrameView<double>(frame.data(), shape));
  EXPECT_EQ(result.dy, -2.0);
  EXPECT_EQ(result.dx, 3.0);
  EXPECT_EQ(result.failed, RegistrationFailure::kNone);
}

TEST(RigidRegistration, ReportsFlatAndNonFiniteFramesAsFailed) {
  const Texture texture(8);
  const FrameShape shape{40, 30};
  const std::vector<float> reference = texture.image(shape);
  RigidRegistration registration(shape, {.max_shift = 10}, view(reference, shape));
  const std::vector<std::uint16_t> flat(shape.pixel_count(), 700);
  const RegistrationResult flat_result = registration.register_frame(FrameView<std::uint16_t>(flat.data(), shape));
  EXPECT_EQ(flat_result.failed, RegistrationFailure::kFlatFrame);
  EXPECT_EQ(flat_result.dy, 0.0);
  EXPECT_EQ(flat_result.dx, 0.0);
  std::vector<float> with_nan = texture.image(shape);
  with_nan[17] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(registration.register_frame(view(with_nan, shape)).failed, RegistrationFailure::kNonFiniteFrame);
  with_nan[17] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(registration.register_frame(view(with_nan, shape)).failed, RegistrationFailure::kNonFiniteFrame);
  EXPECT_EQ(registration_failure_name(RegistrationFailure::kFlatFrame), "flat frame");
}

TEST(RigidRegistration, ReportsAPeakOnTheSearchBorderOrTooLow) {
  const Texture texture(9);
  const FrameShape shape{64, 64};
  const std::vector<float> reference = texture.image(shape);
  RigidRegistration registration(shape, {.max_shift = 5}, view(reference, shape));
  const std::vector<float> at_border = texture.image(shape, 5.0, 0.0);
  const RegistrationResult border = registration.register_frame(view(at_border, shape));
  EXPECT_EQ(border.failed, RegistrationFailure::kAtMaxShift);
  EXPECT_EQ(border.dy, -5.0);

  RigidRegistration strict(shape, {.min_peak = 0.5}, view(reference, shape));
  std::vector<float> unrelated(shape.pixel_count());
  std::mt19937 rng(10);
  std::uniform_real_distribution<float> noise(0.0f, 1000.0f);
  for (float& v : unrelated) v = noise(rng);
  const RegistrationResult low = strict.register_frame(view(unrelated, shape));
  EXPECT_TRUE(low.failed == RegistrationFailure::kLowPeak || low.failed == RegistrationFailure::kAtMaxShift);
  EXPECT_LT(low.peak, 0.5);
}

TEST(RigidRegistration, ReferenceCanBeReplaced) {
  const Texture texture(11);
  const FrameShape shape{48, 48};
  const std::vector<float> first = texture.image(shape);
  const std::vector<float> second = texture.image(shape, 4.0, 4.0);
  RigidRegistration registration(shape, {}, view(first, shape));
  registration.set_reference(view(second, shape));
  const RegistrationResult result = registration.register_frame(view(first, shape));
  EXPECT_NEAR(result.dy, 4.0, 0.1 + 1e-9);
  EXPECT_NEAR(result.dx, 4.0, 0.1 + 1e-9);
}

TEST(RigidRegistration, RegistrationsMadeOnSeveralThreadsAtOnceAgree) {
  // FFTW's planner is not thread-safe: RealFft2d plans under one mutex. Registrations made
  // and destroyed on four threads at once must all work and give the same shift.
  const Texture texture(15);
  const FrameShape shape{40, 36};
  const std::vector<float> reference = texture.image(shape);
  const std::vector<float> frame = texture.image(shape, 1.7, -2.4);
  std::vector<RegistrationResult> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        RigidRegistration registration(shape, {.max_shift = 10}, view(reference, shape));
        results[t] = registration.register_frame(view(frame, shape));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const RegistrationResult& result : results) {
    EXPECT_EQ(result.dy, results[0].dy);
    EXPECT_EQ(result.dx, results[0].dx);
    EXPECT_NEAR(result.dy, -1.7, 0.15);
    EXPECT_NEAR(result.dx, 2.4, 0.15);
  }
}

TEST(RigidRegistration, ItsFftMatchesADirectDftAndKeepsTheSpectrum) {
  // RealFft2d transforms two rows as one complex row, 8 pairs at a time, keeps the
  // spectrum transposed and computes only the rows near the origin on the way back: sizes
  // with a partial last block, an unpaired last row, odd widths, against the DFT summed
  // directly in double.
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (auto [shape, reach] : {std::pair{FrameShape{6, 5}, 2},
                              {FrameShape{9, 33}, 5},
                              {FrameShape{20, 16}, 0},
                              {FrameShape{17, 40}, 12},
                              {FrameShape{1, 3}, 1},
                              {FrameShape{2, 1}, 0},
                              {FrameShape{5, 34}, 16},
                              {FrameShape{12, 30}, 3}}) {
    RealFft2d fft(shape, reach);
    std::vector<float> image(shape.pixel_count());
    for (float& v : image) v = value(rng);
    const int w = shape.width, h = shape.height;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) fft.input_row(y)[x * RealFft2d::kInputStep] = image[y * w + x];
    }
    fft.forward();
    const double two_pi = 2.0 * 3.14159265358979323846;
    double largest_error = 0.0;
    for (int ky = 0; ky < h; ++ky) {
      for (int kx = 0; kx < fft.spectrum_width(); ++kx) {
        std::complex<double> direct = 0.0;
        for (int y = 0; y < h; ++y) {
          for (int x = 0; x < w; ++x) {
            direct += static_cast<double>(image[y * w + x]) *
                      std::polar(1.0, -two_pi * (static_cast<double>(ky) * y / h + static_cast<double>(kx) * x / w));
          }
        }
        const std::complex<float> stored = fft.spectrum()[kx * fft.spectrum_stride() + ky];
        largest_error = std::max(largest_error, std::abs(std::complex<double>(stored) - direct));
      }
    }
    EXPECT_LT(largest_error, 1e-4) << w << "x" << h;
    const std::vector<std::complex<float>> spectrum(fft.spectrum(), fft.spectrum() + fft.spectrum_size());
    fft.inverse_near_origin();
    // Rows 0..reach and h − reach..h − 1 are the image times w·h; the spectrum is kept.
    for (int y = 0; y < h; ++y) {
      if (y > reach && y < h - reach) continue;
      for (int x = 0; x < w; ++x) {
        EXPECT_NEAR(fft.image()[y * w + x], image[y * w + x] * w * h, 1e-3) << w << "x" << h << " at " << x << "," << y;
      }
    }
    EXPECT_TRUE(std::equal(spectrum.begin(), spectrum.end(), fft.spectrum())) << w << "x" << h;
  }
  EXPECT_THROW(RealFft2d(FrameShape{8, 8}, 4), Error);
}

TEST(RigidRegistration, RejectsBadGeometryAndOptions) {
  const Texture texture(12);
  const FrameShape shape{40, 30};
  const std::vector<float> reference = texture.image(shape);
  EXPECT_EQ(error_of(shape, {.max_shift = 15}, reference),
            "rigid registration: max_shift 15 px must be at least 1 and less than half of the 40x30 frame (15 px)");
  EXPECT_NE(error_of(shape, {.max_shift = 0}, reference).find("max_shift 0"), std::string::npos);
  EXPECT_EQ(error_of(shape, {.max_shift = 14}, reference), "");
  EXPECT_NE(error_of(shape, {.max_shift = 10, .upsample_factor = 0}, reference).find("upsample_factor 0"),
            std::string::npos);
  EXPECT_NE(error_of(shape, {.max_shift = 10, .taper_width = 16}, reference).find("taper_width 16"), std::string::npos);
  EXPECT_NE(error_of(shape, {.max_shift = 10, .smooth_sigma = -1.0}, reference).find("smooth_sigma"),
            std::string::npos);
  EXPECT_NE(error_of(shape, {.max_shift = 10, .min_peak = 2.0}, reference).find("min_peak"), std::string::npos);

  try {
    RigidRegistration registration(FrameShape{40, 31}, {.max_shift = 10}, view(reference, shape));
    FAIL() << "a reference of the wrong size was taken";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "rigid registration: the reference image is 40x30, not 40x31");
  }
  std::vector<float> bad = reference;
  bad[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_of(shape, {.max_shift = 10}, bad), "rigid registration: the reference image has a non-finite pixel");
  const std::vector<float> flat(shape.pixel_count(), 5.0f);
  EXPECT_EQ(error_of(shape, {.max_shift = 10}, flat),
            "rigid registration: the reference image is flat (all pixels equal)");

  RigidRegistration registration(shape, {.max_shift = 10}, view(reference, shape));
  const std::vector<float> wrong(20 * 30, 1.0f);
  try {
    registration.register_frame(FrameView<float>(wrong.data(), FrameShape{20, 30}));
    FAIL() << "a frame of the wrong size was registered";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "rigid registration: the frame is 20x30, not the reference's 40x30");
  }
}

}  // namespace
}  // namespace calmon
