// shift_frame_test.cc — integer shifts move pixels bit for bit, subpixel ones are bilinear
// (exact on a plane), and every pixel whose source lies outside the frame is NaN.
#include "core/shift_frame.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rigid_registration.h"

namespace calmon {
namespace {

constexpr FrameShape kShape{13, 9};

bool inside(int y, int x) { return y >= 0 && y < kShape.height && x >= 0 && x < kShape.width; }

TEST(ShiftFrame, IntegerShiftsMoveFloatPixelsBitForBit) {
  std::mt19937 rng(1);
  std::vector<float> frame(kShape.pixel_count());
  for (float& v : frame) v = std::bit_cast<float>(static_cast<std::uint32_t>(rng() & 0x7f7fffffu));  // any finite
  frame[5] = -0.0f;
  std::vector<float> out(frame.size());
  for (auto [dy, dx] : {std::pair{0, 0}, {2, -3}, {-4, 5}, {8, 0}, {0, -12}}) {
    shift_frame(FrameView<float>(frame.data(), kShape), dy, dx, out);
    for (int y = 0; y < kShape.height; ++y) {
      for (int x = 0; x < kShape.width; ++x) {
        const float got = out[y * kShape.width + x];
        if (inside(y - dy, x - dx)) {
          EXPECT_EQ(std::bit_cast<std::uint32_t>(got),
                    std::bit_cast<std::uint32_t>(frame[(y - dy) * kShape.width + (x - dx)]))
              << "shift " << dy << "," << dx << " at " << y << "," << x;
        } else {
          EXPECT_TRUE(std::isnan(got)) << "shift " << dy << "," << dx << " at " << y << "," << x;
        }
      }
    }
  }
}

TEST(ShiftFrame, IntegerShiftsKeepUint16ValuesExactly) {
  std::vector<std::uint16_t> frame(kShape.pixel_count());
  for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<std::uint16_t>(65535 - 517 * i);
  std::vector<float> out(frame.size());
  shift_frame(FrameView<std::uint16_t>(frame.data(), kShape), -1.0, 2.0, out);
  EXPECT_EQ(out[0 * kShape.width + 2], static_cast<float>(frame[1 * kShape.width + 0]));
  EXPECT_EQ(out[3 * kShape.width + 12], static_cast<float>(frame[4 * kShape.width + 10]));
  EXPECT_TRUE(std::isnan(out[8 * kShape.width + 5]));  // from row 9: outside
  EXPECT_TRUE(std::isnan(out[4 * kShape.width + 1]));  // from column −1
}

TEST(ShiftFrame, SubpixelShiftsAreBilinear) {
  // Bilinear interpolation is exact on a plane: out(y, x) = plane(y − dy, x − dx).
  std::vector<float> plane(kShape.pixel_count());
  for (int y = 0; y < kShape.height; ++y) {
    for (int x = 0; x < kShape.width; ++x) plane[y * kShape.width + x] = 100.0f + 3.0f * x - 7.0f * y;
  }
  std::vector<float> out(plane.size());
  for (auto [dy, dx] : {std::pair{0.25, -1.5}, {-2.7, 0.0}, {0.0, 3.3}, {-0.1, -0.9}}) {
    shift_frame(FrameView<float>(plane.data(), kShape), dy, dx, out);
    for (int y = 0; y < kShape.height; ++y) {
      for (int x = 0; x < kShape.width; ++x) {
        const double sy = y - dy, sx = x - dx;
        const bool valid = sy >= 0 && sy <= kShape.height - 1 && sx >= 0 && sx <= kShape.width - 1;
        const float got = out[y * kShape.width + x];
        if (valid) {
          EXPECT_NEAR(got, 100.0 + 3.0 * sx - 7.0 * sy, 1e-4) << "shift " << dy << "," << dx;
        } else {
          EXPECT_TRUE(std::isnan(got)) << "shift " << dy << "," << dx << " at " << y << "," << x;
        }
      }
    }
  }
}

TEST(ShiftFrame, AShiftBeyondTheFrameLeavesNothingValid) {
  const std::vector<float> frame(kShape.pixel_count(), 1.0f);
  std::vector<float> out(frame.size());
  for (auto [dy, dx] : {std::pair{9.0, 0.0}, {0.0, -13.0}, {-8.5, 0.0}, {1e30, 0.0}}) {
    shift_frame(FrameView<float>(frame.data(), kShape), dy, dx, out);
    for (float v : out) EXPECT_TRUE(std::isnan(v)) << "shift " << dy << "," << dx;
  }
}

TEST(ShiftFrame, RejectsAWrongOutputSizeAndANonFiniteShift) {
  const std::vector<float> frame(kShape.pixel_count(), 1.0f);
  std::vector<float> small(frame.size() - 1);
  try {
    shift_frame(FrameView<float>(frame.data(), kShape), 1.0, 1.0, small);
    FAIL() << "a short output was filled";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "shift_frame: the output has 116 values, the frame 117");
  }
  std::vector<float> out(frame.size());
  EXPECT_THROW(shift_frame(FrameView<float>(frame.data(), kShape), std::nan(""), 0.0, out), Error);
  EXPECT_THROW(shift_frame(FrameView<float>(frame.data(), kShape), 0.0, INFINITY, out), Error);
}

TEST(ShiftFrame, TheRegisteringShiftMovesTheFrameBackOntoTheReference) {
  const FrameShape shape{48, 40};
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> noise(0.0f, 1000.0f);
  std::vector<float> reference(shape.pixel_count());
  for (float& v : reference) v = noise(rng);
  std::vector<float> frame(reference.size());
  shift_frame(FrameView<float>(reference.data(), shape), 3.0, -4.0, frame);  // content moved
  for (float& v : frame) {
    if (std::isnan(v)) v = 500.0f;
  }
  RigidRegistration registration(shape, {.max_shift = 10, .upsample_factor = 1},
                                 FrameView<float>(reference.data(), shape));
  const RegistrationResult result = registration.register_frame(FrameView<float>(frame.data(), shape));
  ASSERT_EQ(result.dy, -3.0);
  ASSERT_EQ(result.dx, 4.0);
  std::vector<float> back(frame.size());
  shift_frame(FrameView<float>(frame.data(), shape), result.dy, result.dx, back);
  for (int y = 0; y < shape.height - 3; ++y) {
    for (int x = 4; x < shape.width; ++x) EXPECT_EQ(back[y * shape.width + x], reference[y * shape.width + x]);
  }
}

}  // namespace
}  // namespace calmon
