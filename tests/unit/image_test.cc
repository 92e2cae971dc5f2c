// image_test.cc — frames as Images: every pixel type's values held exactly.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "core/image.h"

namespace calmon {
namespace {

TEST(ImageOf, HoldsEveryPixelExactlyRowMajor) {
  const FrameShape shape{3, 2};
  const std::vector<std::uint32_t> wide{0, 1, 7, 65536, 16777217, std::numeric_limits<std::uint32_t>::max()};
  const Image image = image_of(FrameView<std::uint32_t>(wide.data(), shape));
  ASSERT_EQ(image.shape, shape);
  for (int y = 0; y < shape.height; ++y) {
    for (int x = 0; x < shape.width; ++x)
      EXPECT_EQ(image.at(x, y), static_cast<double>(wide[static_cast<std::size_t>(y * 3 + x)]));
  }
  const std::vector<float> float_pixels{0.1f, -2.5f, 1e30f, 0.0f, -0.0f, 3.0f};
  const Image floats = image_of(AnyFrameView(FrameView<float>(float_pixels.data(), shape)));
  EXPECT_EQ(floats.at(0, 0), static_cast<double>(0.1f));
  EXPECT_EQ(floats.at(2, 0), static_cast<double>(1e30f));
  const std::vector<std::int16_t> negative{-32768, -1, 0, 1, 2, 32767};
  EXPECT_EQ(image_of(FrameView<std::int16_t>(negative.data(), shape)).at(0, 0), -32768.0);
}

}  // namespace
}  // namespace calmon
