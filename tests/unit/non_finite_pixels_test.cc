// non_finite_pixels_test.cc — a frame holds a NaN or an infinity, or it does not;
// integer frames never do; denormals, -0.0 and the largest floats are finite.
#include "daemon/non_finite_pixels.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace calmon::daemon {
namespace {

template <class T> bool scan(const std::vector<T>& pixels) {
  return has_non_finite_pixels(FrameView<T>(pixels.data(), FrameShape{static_cast<int>(pixels.size()), 1}));
}

template <class T> void expect_float_type() {
  using limits = std::numeric_limits<T>;
  std::vector<T> pixels(1001, T(1.5));
  pixels[3] = limits::max();
  pixels[4] = -limits::max();
  pixels[5] = limits::denorm_min();
  pixels[6] = T(-0.0);
  EXPECT_FALSE(scan(pixels));
  for (T bad : {limits::quiet_NaN(), limits::infinity(), -limits::infinity(), -limits::quiet_NaN()}) {
    std::vector<T> with_bad = pixels;
    with_bad[1000] = bad;  // the very last pixel counts too
    EXPECT_TRUE(scan(with_bad)) << bad;
  }
}

TEST(NonFinitePixels, FloatFramesWithNanOrInfinityAreFound) { expect_float_type<float>(); }
TEST(NonFinitePixels, DoubleFramesWithNanOrInfinityAreFound) { expect_float_type<double>(); }

TEST(NonFinitePixels, IntegerFramesAreAlwaysFinite) {
  EXPECT_FALSE(scan(std::vector<std::uint16_t>(64, 0xffff)));
  EXPECT_FALSE(scan(std::vector<std::uint32_t>(64, 0x7f800000u)));  // the bits of +inf as a float
}

}  // namespace
}  // namespace calmon::daemon
