// RegionMean: an ROI's value in one frame, with numpy's numbers.
#include "core/region_mean.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace calmon {
namespace {

// Random pixels over the type's whole range (floats: [-200, 4000]).
template <class T> std::vector<T> random_frame(FrameShape shape, unsigned seed) {
  return test::random_pixels_full_range<T>(shape.pixel_count(), seed, -200.0, 4000.0);
}

// The mean numpy computes for integer pixels: a float64 sum in order (exact), divided once.
template <class T> double numpy_integer_mean(const std::vector<T>& pixels, FrameShape shape, Rect r) {
  double sum = 0.0;
  for (int y = r.ymin; y < r.ymax; ++y) {
    for (int x = r.xmin; x < r.xmax; ++x) sum += static_cast<double>(pixels[y * shape.width + x]);
  }
  return sum / static_cast<double>(r.width() * r.height());
}

template <class T> long double exact_mean(const std::vector<T>& pixels, FrameShape shape, Rect r) {
  long double sum = 0.0L;
  for (int y = r.ymin; y < r.ymax; ++y) {
    for (int x = r.xmin; x < r.xmax; ++x) sum += static_cast<long double>(pixels[y * shape.width + x]);
  }
  return sum / static_cast<long double>(r.width() * r.height());
}

template <class T> class RegionMeanTyped : public ::testing::Test {};
using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, float, double>;
TYPED_TEST_SUITE(RegionMeanTyped, PixelTypes);

TYPED_TEST(RegionMeanTyped, SinglePixelGivesThePixelValueExactly) {
  using T = TypeParam;
  const FrameShape shape{80, 60};
  const std::vector<T> pixels = random_frame<T>(shape, 1);
  const FrameView<T> frame(pixels.data(), shape);
  for (auto [x, y] : {std::pair{21, 25}, {0, 0}, {79, 59}, {39, 40}}) {
    const RegionMean mean(Region::pixel(x, y), shape);
    EXPECT_EQ(mean(frame), static_cast<double>(frame.at(x, y)));
    EXPECT_EQ(mean.pixel_count(), 1u);
  }
}

TYPED_TEST(RegionMeanTyped, RectangleMeanMatchesNumpysSliceMean) {
  using T = TypeParam;
  const FrameShape shape{80, 60};
  for (unsigned seed = 0; seed < 20; ++seed) {
    const std::vector<T> pixels = random_frame<T>(shape, seed);
    const FrameView<T> frame(pixels.data(), shape);
    for (Rect r : {Rect{15, 35, 20, 35}, Rect{55, 75, 23, 40}, Rect{0, 10, 23, 40}, Rect{0, 80, 0, 60},
                   Rect{3, 4, 0, 60}, Rect{0, 80, 7, 8}}) {
      const RegionMean mean(Region::rect(r), shape);
      EXPECT_EQ(mean.pixel_count(), static_cast<std::size_t>(r.width() * r.height()));
      if constexpr (std::is_integral_v<T>) {
        EXPECT_EQ(mean(frame), numpy_integer_mean(pixels, shape, r)) << r.to_string();
      } else {
        // Bit-exactness for floats is pinned against numpy itself below; here: close to exact.
        const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-13;
        const long double exact = exact_mean(pixels, shape, r);
        EXPECT_NEAR(mean(frame), static_cast<double>(exact), tolerance * std::abs(static_cast<double>(exact)));
      }
    }
  }
}

TYPED_TEST(RegionMeanTyped, UnitMaskInAnyOrderEqualsTheRectangleOfItsPixels) {
  using T = TypeParam;
  const FrameShape shape{64, 48};
  const std::vector<T> pixels = random_frame<T>(shape, 3);
  const FrameView<T> frame(pixels.data(), shape);
  const Rect r{10, 30, 5, 17};
  std::vector<WeightedPixel> mask = Region::rect(r).pixels();
  std::shuffle(mask.begin(), mask.end(), std::mt19937(4));
  EXPECT_EQ(RegionMean(Region::mask(mask), shape)(frame), RegionMean(Region::rect(r), shape)(frame));
}

TYPED_TEST(RegionMeanTyped, WeightedMaskIsWeightedSumOverWeightSum) {
  using T = TypeParam;
  const FrameShape shape{64, 48};
  const std::vector<T> pixels = random_frame<T>(shape, 5);
  const FrameView<T> frame(pixels.data(), shape);
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> weight(0.0, 3.0);
  std::vector<WeightedPixel> mask;
  for (int y = 0; y < shape.height; ++y) {
    for (int x = 0; x < shape.width; ++x) {
      if ((x * 7 + y * 3) % 5 < 2) mask.push_back({x, y, weight(rng)});
    }
  }
  std::shuffle(mask.begin(), mask.end(), rng);
  long double weighted = 0.0L;
  long double weights = 0.0L;
  for (const WeightedPixel& p : mask) {
    weighted += static_cast<long double>(p.weight) * static_cast<long double>(frame.at(p.x, p.y));
    weights += p.weight;
  }
  const double expected = static_cast<double>(weighted / weights);
  const RegionMean mean(Region::mask(mask), shape);
  EXPECT_EQ(mean.pixel_count(), mask.size());
  EXPECT_NEAR(mean(frame), expected, 1e-12 * std::abs(expected));
}

TYPED_TEST(RegionMeanTyped, AnyFrameViewGivesTheTypedResult) {
  using T = TypeParam;
  const FrameShape shape{32, 16};
  const std::vector<T> pixels = random_frame<T>(shape, 8);
  const FrameView<T> frame(pixels.data(), shape);
  const RegionMean mean(Region::rect(Rect{3, 20, 2, 11}), shape);
  EXPECT_EQ(mean(AnyFrameView(frame)), mean(frame));
}

TEST(RegionMean, IntegerSumIsExactForExtremeUint32Values) {
  const FrameShape shape{256, 256};
  std::vector<std::uint32_t> pixels(shape.pixel_count(), std::numeric_limits<std::uint32_t>::max());
  pixels[0] = 0;
  const RegionMean mean(Region::rect(Rect::whole(shape)), shape);
  const std::uint64_t exact_sum = static_cast<std::uint64_t>(shape.pixel_count() - 1) * 4294967295ULL;
  EXPECT_EQ(mean(FrameView<std::uint32_t>(pixels.data(), shape)),
            static_cast<double>(exact_sum) / static_cast<double>(shape.pixel_count()));
}

TEST(RegionMean, SignedPixelsAverageWithTheirSign) {
  const FrameShape shape{4, 1};
  const std::vector<std::int16_t> pixels = {-32768, -1, 0, 32767};
  EXPECT_EQ(RegionMean(Region::rect(Rect{0, 4, 0, 1}), shape)(FrameView<std::int16_t>(pixels.data(), shape)),
            -2.0 / 4.0);
}

TEST(RegionMean, FrameOfAnotherShapeIsRejected) {
  const RegionMean mean(Region::pixel(1, 1), FrameShape{80, 60});
  const std::vector<std::uint16_t> pixels(64 * 64);
  try {
    mean(FrameView<std::uint16_t>(pixels.data(), FrameShape{64, 64}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "region mean: frame is 64x64 but the region was compiled for 80x60");
  }
}

// numpy's data[t, y0:y1, x0:x1].mean() and data[t, ypix, xpix].mean(), bit for bit, for
// every pixel type — float32 and float64 included (numpy's summation order, numpy_sum.h).
TEST(RegionMean, EqualsNumpyBitForBitForEveryPixelType) {
  if (!test::python_has("numpy")) GTEST_SKIP() << "no numpy";
  const std::filesystem::path dir = test::temp_dir("region_mean_test");
  const FrameShape shape{300, 200};
  const std::vector<Rect> rects = {Rect{15, 35, 20, 35}, Rect{1, 299, 2, 197}, Rect{0, 300, 0, 200},
                                   Rect{100, 101, 0, 200}, Rect{7, 290, 50, 51}};
  // A ring-like unit mask listed row-major (as neuropil_ring returns it).
  std::vector<WeightedPixel> ring;
  for (int y = 40; y < 160; ++y) {
    for (int x = 60; x < 200; ++x) {
      if (!(x >= 80 && x < 180 && y >= 60 && y < 140)) ring.push_back({x, y, 1.0});
    }
  }
  std::string rect_list;
  for (const Rect& r : rects) {
    rect_list += "(" + std::to_string(r.xmin) + "," + std::to_string(r.xmax) + "," + std::to_string(r.ymin) + "," +
                 std::to_string(r.ymax) + "),";
  }
  const std::string script =
      "import numpy as np, sys\n"
      "d, dtype, w, h = sys.argv[1], sys.argv[2], 300, 200\n"
      "data = np.fromfile(d + '/frame.raw', dtype).reshape(1, h, w)\n"
      "yy, xx = np.mgrid[40:160, 60:200]\n"
      "keep = ~((xx >= 80) & (xx < 180) & (yy >= 60) & (yy < 140))\n"
      "ypix, xpix = yy[keep], xx[keep]\n"
      "out = [float(data[0, y0:y1, x0:x1].mean()) for (x0, x1, y0, y1) in [" +
      rect_list +
      "]]\n"
      "out.append(float(data[0, ypix, xpix].mean()))\n"
      "np.array(out, np.float64).tofile(d + '/means.f64')\n";
  auto check = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const std::vector<T> pixels = random_frame<T>(shape, 11);
    test::write_raw(dir / "frame.raw", pixels);
    ASSERT_EQ(
        test::run_python(dir / "means.py", script, dir.string() + " " + std::string(pixel_type_name(pixel_type_of<T>))),
        0);
    const std::vector<double> expected = test::read_raw<double>(dir / "means.f64", rects.size() + 1);
    const FrameView<T> frame(pixels.data(), shape);
    for (std::size_t k = 0; k < rects.size(); ++k) {
      EXPECT_EQ(RegionMean(Region::rect(rects[k]), shape)(frame), expected[k])
          << pixel_type_name(pixel_type_of<T>) << " " << rects[k].to_string();
    }
    EXPECT_EQ(RegionMean(Region::mask(ring), shape)(frame), expected.back())
        << pixel_type_name(pixel_type_of<T>) << " ring mask";
  };
  for (PixelType type :
       {PixelType::kU8, PixelType::kU16, PixelType::kI16, PixelType::kU32, PixelType::kF32, PixelType::kF64}) {
    dispatch_pixel_type(type, check);
  }
}

}  // namespace
}  // namespace calmon
