// GlobalFrameStats: np.mean, np.median and np.min of a whole frame, exactly.
#include "core/global_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/numpy_sum.h"
#include "test_support.h"

namespace calmon {
namespace {

// Random pixels over [lo, hi] when given, else over the type's whole range (floats:
// [-500, 3000]).
using test::random_pixels;
template <class T> std::vector<T> random_pixels(std::size_t n, unsigned seed) {
  return test::random_pixels_full_range<T>(n, seed, -500.0, 3000.0);
}

// np.median by sorting: the middle value, or the mean of the two middle values computed
// in numpy's type (float64 for integers, the float type itself for floats).
template <class T> double reference_median(std::vector<T> pixels) {
  std::sort(pixels.begin(), pixels.end());
  const std::size_t n = pixels.size();
  const T a = pixels[(n - 1) / 2];
  const T b = pixels[n / 2];
  if constexpr (std::is_integral_v<T>) {
    return (static_cast<double>(a) + static_cast<double>(b)) / 2.0;
  } else {
    const T sum = a + b;
    return static_cast<double>(sum / T(2));
  }
}

template <class T> class GlobalStatsTyped : public ::testing::Test {};
using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, float, double>;
TYPED_TEST_SUITE(GlobalStatsTyped, PixelTypes);

TYPED_TEST(GlobalStatsTyped, MedianAndMinAreExactAndMeanMatchesNumpy) {
  using T = TypeParam;
  GlobalFrameStats stats;  // reused across frames, as in the pipeline
  const std::vector<FrameShape> shapes = {{1, 1}, {2, 1}, {3, 1}, {80, 60}, {81, 61}, {7, 5}, {300, 301}};
  unsigned seed = 0;
  for (FrameShape shape : shapes) {
    for (int narrow = 0; narrow < 2; ++narrow) {  // whole type range, then a narrow range with many ties
      const std::vector<T> pixels = narrow ? random_pixels<T>(shape.pixel_count(), ++seed, 100, 140)
                                           : random_pixels<T>(shape.pixel_count(), ++seed);
      const GlobalStats got = stats(FrameView<T>(pixels.data(), shape));
      EXPECT_EQ(got.median, reference_median(pixels)) << shape.width << "x" << shape.height;
      EXPECT_EQ(got.min, static_cast<double>(*std::min_element(pixels.begin(), pixels.end())));
      if constexpr (std::is_integral_v<T>) {
        double sum = 0.0;  // numpy: float64 sum in order, exact for integers
        for (T p : pixels) sum += static_cast<double>(p);
        EXPECT_EQ(got.mean, sum / static_cast<double>(pixels.size()));
      } else {
        long double exact = 0.0L;
        for (T p : pixels) exact += p;
        exact /= static_cast<long double>(pixels.size());
        const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-13;
        EXPECT_NEAR(got.mean, static_cast<double>(exact), tolerance * (1.0 + std::abs(static_cast<double>(exact))));
        const T numpy = static_cast<T>(static_cast<double>(numpy_sum(pixels.data(), pixels.size())) /
                                       static_cast<double>(pixels.size()));
        EXPECT_EQ(got.mean, static_cast<double>(numpy));
      }
    }
  }
}

TYPED_TEST(GlobalStatsTyped, ConstantFrameHasThatValueForEveryStat) {
  using T = TypeParam;
  const FrameShape shape{40, 30};
  const std::vector<T> pixels(shape.pixel_count(), static_cast<T>(117));
  const GlobalStats got = GlobalFrameStats{}(AnyFrameView(FrameView<T>(pixels.data(), shape)));
  EXPECT_EQ(got.mean, 117.0);
  EXPECT_EQ(got.median, 117.0);
  EXPECT_EQ(got.min, 117.0);
}

TEST(GlobalStats, EvenCountMedianAveragesTheTwoMiddleValues) {
  const std::vector<std::uint16_t> pixels = {7, 1, 65535, 2};
  const GlobalStats got = GlobalFrameStats{}(FrameView<std::uint16_t>(pixels.data(), FrameShape{2, 2}));
  EXPECT_EQ(got.median, 4.5);
  EXPECT_EQ(got.min, 1.0);
  EXPECT_EQ(got.mean, (7.0 + 1 + 65535 + 2) / 4);
}

TEST(GlobalStats, Int16StatsKeepTheSign) {
  const std::vector<std::int16_t> pixels = {-32768, 32767, -5, -6};
  const GlobalStats got = GlobalFrameStats{}(FrameView<std::int16_t>(pixels.data(), FrameShape{4, 1}));
  EXPECT_EQ(got.median, -5.5);
  EXPECT_EQ(got.min, -32768.0);
  EXPECT_EQ(got.mean, -12.0 / 4);
}

TEST(GlobalStats, Uint32MedianOfHugeValuesIsExact) {
  const std::vector<std::uint32_t> pixels = {4294967295u, 4294967294u, 0u, 4294967295u};
  const GlobalStats got = GlobalFrameStats{}(FrameView<std::uint32_t>(pixels.data(), FrameShape{2, 2}));
  EXPECT_EQ(got.median, 4294967294.5);
}

TEST(GlobalStats, Float32MedianAveragesInFloat32LikeNumpy) {
  // 16777216 + 1 is not a float32: numpy's float32 mean of the middle pair rounds it.
  const std::vector<float> pixels = {16777216.0f, 1.0f, 0.0f, 3e7f};
  const GlobalStats got = GlobalFrameStats{}(FrameView<float>(pixels.data(), FrameShape{4, 1}));
  EXPECT_EQ(got.median, static_cast<double>((16777216.0f + 1.0f) / 2.0f));
  EXPECT_NE(got.median, (16777216.0 + 1.0) / 2.0);
}

TEST(GlobalStats, NanPixelMakesEveryStatNan) {
  std::vector<float> pixels(100, 3.0f);
  pixels[57] = std::numeric_limits<float>::quiet_NaN();
  const GlobalStats got = GlobalFrameStats{}(FrameView<float>(pixels.data(), FrameShape{10, 10}));
  EXPECT_TRUE(std::isnan(got.mean));
  EXPECT_TRUE(std::isnan(got.median));
  EXPECT_TRUE(std::isnan(got.min));
}

TEST(GlobalStats, FrameWithoutPixelsIsRejected) {
  const std::vector<std::uint16_t> pixels(1);
  GlobalFrameStats stats;
  try {
    stats(AnyFrameView(PixelType::kU16, pixels.data(), FrameShape{0, 5}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "global frame stats: the frame has no pixels");
  }
}

// np.mean / np.median / np.min(data, axis=(1, 2)) on a movie of every pixel type, bit for bit.
TEST(GlobalStats, EqualsNumpyBitForBitForEveryPixelType) {
  if (!test::python_has("numpy")) GTEST_SKIP() << "no numpy";
  const std::filesystem::path dir = test::temp_dir("global_stats_test");
  const std::string script =
      "import numpy as np, sys\n"
      "d, dtype, t, h, w = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])\n"
      "data = np.fromfile(d + '/movie.raw', dtype).reshape(t, h, w)\n"
      "out = np.stack([np.mean(data, axis=(1, 2)), np.median(data, axis=(1, 2)),\n"
      "                np.min(data, axis=(1, 2))]).astype(np.float64)\n"
      "out.T.copy().tofile(d + '/stats.f64')\n";
  auto check = [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (FrameShape shape : {FrameShape{80, 60}, FrameShape{101, 99}, FrameShape{512, 512}}) {
      const int frames = 4;
      const std::size_t n = shape.pixel_count();
      std::vector<T> movie;
      for (int t = 0; t < frames; ++t) {
        const std::vector<T> frame = t % 2 ? random_pixels<T>(n, 40 + t) : random_pixels<T>(n, 40 + t, 90, 200);
        movie.insert(movie.end(), frame.begin(), frame.end());
      }
      test::write_raw(dir / "movie.raw", movie);
      const std::string arguments = dir.string() + " " + std::string(pixel_type_name(pixel_type_of<T>)) + " " +
                                    std::to_string(frames) + " " + std::to_string(shape.height) + " " +
                                    std::to_string(shape.width);
      ASSERT_EQ(test::run_python(dir / "stats.py", script, arguments), 0);
      const std::vector<double> expected = test::read_raw<double>(dir / "stats.f64", 3 * frames);
      GlobalFrameStats stats;
      for (int t = 0; t < frames; ++t) {
        const GlobalStats got = stats(AnyFrameView(FrameView<T>(movie.data() + t * n, shape)));
        const std::string where = std::string(pixel_type_name(pixel_type_of<T>)) + " " + std::to_string(shape.width) +
                                  "x" + std::to_string(shape.height) + " frame " + std::to_string(t);
        EXPECT_EQ(got.mean, expected[3 * t]) << where;
        EXPECT_EQ(got.median, expected[3 * t + 1]) << where;
        EXPECT_EQ(got.min, expected[3 * t + 2]) << where;
      }
    }
  };
  for (PixelType type :
       {PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32, PixelType::kF32, PixelType::kF64}) {
    dispatch_pixel_type(type, check);
  }
}

}  // namespace
}  // namespace calmon
