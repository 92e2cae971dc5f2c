// warp_frame_test.cc — warp_frame is shift_frame pixel by pixel: a uniform field gives
// shift_frame's result bit for bit (integer and fractional, every pixel type), a varying
// field is bilinear (exact on a plane), and a pixel whose source lies outside is NaN.
#include "core/warp_frame.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/shift_frame.h"

namespace calmon {
namespace {

constexpr FrameShape kShape{21, 14};

template <class T> std::vector<T> random_frame(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<T> frame(kShape.pixel_count());
  if constexpr (std::is_floating_point_v<T>) {
    std::uniform_real_distribution<double> value(-1000.0, 70000.0);
    for (T& v : frame) v = static_cast<T>(value(rng));
  } else {
    for (T& v : frame) v = static_cast<T>(rng());
  }
  return frame;
}

// Uniform fields: integer, one axis fractional, both fractional, negative, beyond the frame.
const std::vector<std::pair<float, float>> kUniformShifts = {{0.0f, 0.0f},    {2.0f, -3.0f},
                                                             {-5.0f, 7.0f},   {0.25f, 0.0f},
                                                             {0.0f, -1.75f},  {1.3f, -2.6f},
                                                             {-0.1f, 0.9f},   {-4.45f, -0.55f},
                                                             {13.5f, 0.0f},   {0.0f, -21.0f},
                                                             {-13.9f, 20.5f}, {1e-7f, -3e-6f},
                                                             {1e30f, 0.0f},   {0.33333334f, 6.6666665f}};

template <class T> void expect_uniform_fields_match_shift_frame(unsigned seed) {
  const std::vector<T> frame = random_frame<T>(seed);
  const FrameView<T> view(frame.data(), kShape);
  std::vector<float> warped(kShape.pixel_count()), shifted(kShape.pixel_count());
  for (auto [dy, dx] : kUniformShifts) {
    const std::vector<float> field_y(kShape.pixel_count(), dy), field_x(kShape.pixel_count(), dx);
    warp_frame(view, field_y, field_x, warped);
    shift_frame(view, dy, dx, shifted);
    for (std::size_t p = 0; p < warped.size(); ++p) {
      ASSERT_EQ(std::bit_cast<std::uint32_t>(warped[p]), std::bit_cast<std::uint32_t>(shifted[p]))
          << "field " << dy << "," << dx << " at pixel " << p << ": " << warped[p] << " vs " << shifted[p];
    }
  }
}

TEST(WarpFrame, AUniformFieldIsShiftFrameBitForBit) {
  expect_uniform_fields_match_shift_frame<std::uint8_t>(1);
  expect_uniform_fields_match_shift_frame<std::uint16_t>(2);
  expect_uniform_fields_match_shift_frame<std::int16_t>(3);
  expect_uniform_fields_match_shift_frame<std::uint32_t>(4);
  expect_uniform_fields_match_shift_frame<float>(5);
  expect_uniform_fields_match_shift_frame<double>(6);
}

TEST(WarpFrame, EachPixelIsShiftFrameOfItsOwnShift) {
  // A field that varies from pixel to pixel: each output pixel equals that pixel of
  // shift_frame run with the pixel's own (dy, dx).
  const std::vector<float> frame = random_frame<float>(7);
  const FrameView<float> view(frame.data(), kShape);
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> shift(-3.0f, 3.0f);
  std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count());
  for (std::size_t p = 0; p < dy.size(); ++p) {
    dy[p] = p % 5 == 0 ? std::round(shift(rng)) : shift(rng);
    dx[p] = p % 7 == 0 ? std::round(shift(rng)) : shift(rng);
  }
  std::vector<float> warped(kShape.pixel_count()), shifted(kShape.pixel_count());
  warp_frame(view, dy, dx, warped);
  for (std::size_t p = 0; p < dy.size(); ++p) {
    shift_frame(view, dy[p], dx[p], shifted);
    ASSERT_EQ(std::bit_cast<std::uint32_t>(warped[p]), std::bit_cast<std::uint32_t>(shifted[p])) << "pixel " << p;
  }
}

TEST(WarpFrame, AVaryingFieldIsBilinearAndNaNWhereTheSourceIsOutside) {
  // Bilinear interpolation is exact on a plane: out(y, x) = plane(y − dy(y, x), x − dx(y, x)).
  std::vector<float> plane(kShape.pixel_count());
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) plane[y * kShape.width + x] = 100.0f + 3.0f * x - 7.0f * y;
  }
  std::vector<float> dy(kShape.pixel_count()), dx(kShape.pixel_count());
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) {
      dy[y * kShape.width + x] = static_cast<float>(1.5 * std::sin(0.3 * x) - 0.4);
      dx[y * kShape.width + x] = static_cast<float>(2.2 * std::cos(0.25 * y + 0.1 * x));
    }
  }
  std::vector<float> out(plane.size());
  warp_frame(FrameView<float>(plane.data(), kShape), dy, dx, out);
  int valid = 0, invalid = 0;
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) {
      const std::size_t p = static_cast<std::size_t>(y * kShape.width + x);
      const double sy = y - static_cast<double>(dy[p]), sx = x - static_cast<double>(dx[p]);
      const bool inside = sy >= 0 && sy <= kShape.height - 1 && sx >= 0 && sx <= kShape.width - 1;
      if (inside) {
        ++valid;
        EXPECT_NEAR(out[p], 100.0 + 3.0 * sx - 7.0 * sy, 1e-3) << "at " << y << "," << x;
      } else {
        ++invalid;
        EXPECT_TRUE(std::isnan(out[p])) << "at " << y << "," << x;
      }
    }
  }
  EXPECT_GT(valid, 150);
  EXPECT_GT(invalid, 20);
}

TEST(WarpFrame, ANonFiniteDisplacementGivesNaN) {
  const std::vector<float> frame(kShape.pixel_count(), 5.0f);
  std::vector<float> dy(kShape.pixel_count(), 0.0f), dx(kShape.pixel_count(), 0.0f), out(kShape.pixel_count());
  dy[3] = NAN;
  dx[40] = INFINITY;
  dy[41] = -INFINITY;
  warp_frame(FrameView<float>(frame.data(), kShape), dy, dx, out);
  for (std::size_t p = 0; p < out.size(); ++p) {
    if (p == 3 || p == 40 || p == 41) {
      EXPECT_TRUE(std::isnan(out[p])) << p;
    } else {
      EXPECT_EQ(out[p], 5.0f) << p;
    }
  }
}

TEST(WarpFrame, RejectsFieldsAndOutputsOfTheWrongSize) {
  const std::vector<float> frame(kShape.pixel_count(), 1.0f);
  const std::vector<float> good(kShape.pixel_count()), short_field(kShape.pixel_count() - 1);
  std::vector<float> out(kShape.pixel_count()), short_out(kShape.pixel_count() - 1);
  const FrameView<float> view(frame.data(), kShape);
  try {
    warp_frame(view, short_field, good, out);
    FAIL() << "a short field was used";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "warp_frame: the displacement has 293 and 294 values and the output 294, the frame 294");
  }
  EXPECT_THROW(warp_frame(view, good, short_field, out), Error);
  EXPECT_THROW(warp_frame(view, good, good, short_out), Error);
}

}  // namespace
}  // namespace calmon
